// The manifest a registry gets for an image. Layers built or loaded here are stored uncompressed
// (like BuildKit's and dockerd's local layer stores: writing thousands of small files into a build
// layer should not pay for gzip on every build); a registry should get gzip. So before a push each
// uncompressed layer is compressed once into the content store (verified like every blob, its diffID
// remembered), the pairing is remembered, and a manifest listing the compressed blobs is stored and
// added to the image record. The config — and so the image ID — is the same bytes; only the
// manifest (the RepoDigest the registry reports) differs, as with `docker push` of a local image.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import * as zlib from 'node:zlib';
import type { ContentStore } from './contentStore';
import { digestHex } from './digest';
import { writeFileAtomic } from './fileLock';
import type { ImageRecord, ImageStore } from './imageStore';
import { MediaTypes, type Descriptor, type ImageManifest } from './types';

const DOCKER_LAYER_TAR = 'application/vnd.docker.image.rootfs.diff.tar';
const UNCOMPRESSED = new Set<string>([MediaTypes.ociLayer, DOCKER_LAYER_TAR]);

export const isUncompressedLayer = (d: Descriptor) => UNCOMPRESSED.has(d.mediaType);

const inflight = new Map<string, Promise<{ digest: string; size: number }>>();

/**
 * The gzip form of the uncompressed layer blob `digest`: made once (level 6, deterministic for the
 * same bytes, so a second push finds the registry already has it) and remembered in
 * `<store>/gzipped/<hex>.json`.
 */
export async function gzippedLayer(content: ContentStore, digest: string): Promise<{ digest: string; size: number }> {
  const memo = path.join(content.root, 'gzipped', `${digestHex(digest)}.json`);
  try {
    const known = JSON.parse(await fs.promises.readFile(memo, 'utf8')) as { digest: string; size: number };
    if ((await content.stat(known.digest)) === known.size) return known;
  } catch { /* not compressed yet */ }
  let p = inflight.get(digest);
  if (!p) {
    p = (async () => {
      const gz = new PassThrough();
      // the source is verified against its digest while read; a corrupt blob fails the push
      const [got] = await Promise.all([
        content.ingest(gz),
        pipeline(content.read(digest, { verify: true }), zlib.createGzip({ level: 6 }), gz),
      ]);
      const uncompressedSize = (await content.stat(digest)) ?? 0;
      await content.setLayerInfo(got.digest, { diffId: digest, uncompressedSize });
      const out = { digest: got.digest, size: got.size };
      await writeFileAtomic(memo, JSON.stringify(out));
      return out;
    })().finally(() => inflight.delete(digest));
    inflight.set(digest, p);
  }
  return p;
}

/**
 * A stored manifest of `rec` whose layers are all compressed: one the record already lists (pulled,
 * or made by an earlier push), else a new one with every uncompressed layer gzipped, stored and
 * added to the record.
 */
export async function distributableManifest(store: ImageStore, rec: ImageRecord): Promise<{ descriptor: Descriptor; manifest: ImageManifest }> {
  const candidates: { descriptor: Descriptor; manifest: ImageManifest }[] = [];
  for (const d of rec.manifests) {
    if (!(await store.content.has(d.digest))) continue;
    const manifest = await store.content.readJson<ImageManifest>(d.digest);
    if (!manifest.layers.some(isUncompressedLayer)) return { descriptor: d, manifest };
    candidates.push({ descriptor: d, manifest });
  }
  const source = candidates[0] ?? await store.manifest(rec);
  const docker = (source.manifest.mediaType ?? source.descriptor.mediaType) === MediaTypes.dockerManifest;
  const layers: Descriptor[] = [];
  for (const l of source.manifest.layers) {
    if (!isUncompressedLayer(l)) {
      layers.push(l);
      continue;
    }
    const gz = await gzippedLayer(store.content, l.digest);
    layers.push({ ...l, mediaType: docker ? MediaTypes.dockerLayerGzip : MediaTypes.ociLayerGzip, digest: gz.digest, size: gz.size });
  }
  const manifest: ImageManifest = { ...source.manifest, layers };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const m = await store.content.put(bytes);
  const descriptor: Descriptor = { mediaType: source.descriptor.mediaType, digest: m.digest, size: m.size };
  await store.addImage(descriptor);
  return { descriptor, manifest };
}
