// `docker save`: a tar with Docker's manifest.json + repositories AND an OCI image layout
// (oci-layout, index.json, blobs/sha256/…), like Docker 25+. Blobs are streamed from the store
// (verified while read); Docker 20.10's `docker load` reads manifest.json and accepts the
// compressed layer blobs it points to.
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { digestHex } from './digest';
import type { ImageStore } from './imageStore';
import { familiarName, familiarString, parseDockerRef, referenceString, type Reference } from './reference';
import { MediaTypes, type Descriptor, type ImageManifest } from './types';

interface SavedImage {
  id: string;
  manifest: Descriptor;
  doc: ImageManifest;
  refs: Reference[];
}

/** Writes the images named by `names` (references or IDs) as one tar to `out`. */
export async function saveImages(store: ImageStore, names: string[], out: Writable): Promise<void> {
  const images = new Map<string, SavedImage>();
  for (const name of names) {
    const rec = await store.resolve(name);
    const { descriptor, manifest } = await store.manifest(rec);
    const img = images.get(rec.id) ?? { id: rec.id, manifest: descriptor, doc: manifest, refs: [] };
    const ref = safeRef(name);
    const viaTag = ref?.tag && (await store.references())[referenceString(ref)] === rec.id;
    if (ref && viaTag && !img.refs.some((r) => referenceString(r) === referenceString(ref))) img.refs.push(ref);
    images.set(rec.id, img);
  }

  const pack = tar.pack();
  const done = pipeline(pack, out);
  const written = new Set<string>();
  const entry = (name: string, data: Buffer | string) => new Promise<void>((resolve, reject) => {
    pack.entry({ name, mode: 0o644, mtime: new Date(0) }, data, (err) => (err ? reject(err) : resolve()));
  });
  const blob = async (d: Descriptor) => {
    if (written.has(d.digest)) return;
    written.add(d.digest);
    const size = await store.content.stat(d.digest);
    if (size === undefined) throw new Error(`blob ${d.digest} is missing from the store`);
    await new Promise<void>((resolve, reject) => {
      const sink = pack.entry({ name: `blobs/sha256/${digestHex(d.digest)}`, size, mode: 0o644, mtime: new Date(0) }, (err) => (err ? reject(err) : resolve()));
      const src = store.content.read(d.digest, { verify: true });
      src.on('error', (e) => { sink.destroy(e); reject(e); });
      src.pipe(sink);
    });
  };

  try {
    const manifestJson: Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }> = [];
    const repositories: Record<string, Record<string, string>> = {};
    const index: { schemaVersion: 2; mediaType: string; manifests: Descriptor[] } = { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [] };
    for (const img of images.values()) {
      for (const l of img.doc.layers) await blob(l);
      await blob(img.doc.config);
      await blob(img.manifest);
      const tags = img.refs.map((r) => familiarString(r));
      manifestJson.push({ Config: `blobs/sha256/${digestHex(img.id)}`, RepoTags: tags.length ? tags : null, Layers: img.doc.layers.map((l) => `blobs/sha256/${digestHex(l.digest)}`) });
      const top = img.doc.layers.at(-1);
      for (const r of img.refs) {
        if (top && r.tag) (repositories[familiarName(r)] ??= {})[r.tag] = digestHex(top.digest);
      }
      const base = { mediaType: img.manifest.mediaType, digest: img.manifest.digest, size: img.manifest.size };
      if (!img.refs.length) index.manifests.push(base);
      for (const r of img.refs) {
        index.manifests.push({ ...base, annotations: { 'io.containerd.image.name': referenceString(r), 'org.opencontainers.image.ref.name': r.tag ?? 'latest' } });
      }
    }
    await entry('index.json', JSON.stringify(index));
    await entry('manifest.json', JSON.stringify(manifestJson));
    await entry('oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    if (Object.keys(repositories).length) await entry('repositories', JSON.stringify(repositories));
    pack.finalize();
  } catch (e) {
    pack.destroy(e as Error);
    await done.catch(() => {});
    throw e;
  }
  await done;
}

function safeRef(name: string): Reference | undefined {
  try {
    return parseDockerRef(name);
  } catch {
    return undefined;
  }
}
