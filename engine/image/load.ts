// `docker load`: accepts what `docker save` writes in every version — Docker 20.10's legacy layout
// (manifest.json, repositories, <id>.json, <layer>/layer.tar, symlinked duplicate layers), Docker
// 25+'s manifest.json + OCI layout, and a bare OCI image layout (index.json + blobs). The tar is
// first unpacked into a private temp dir inside the store with confined names (no absolute paths,
// no `..`, symlinks are never created — they are resolved lexically inside the archive), then each
// image's blobs are ingested with digest verification.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { isDigest, sha256Digest } from './digest';
import { ImageError } from './errors';
import type { ImageRecord, ImageStore } from './imageStore';
import { familiarString, parseDockerRef, referenceString, type Reference } from './reference';
import { INDEX_MEDIA_TYPES, MediaTypes, type Descriptor, type ImageConfig, type ImageIndex, type ImageManifest } from './types';

const MAX_ENTRIES = 200_000;
const MAX_JSON_BYTES = 16 << 20;

export interface LoadResult {
  images: Array<{ id: string; tags: string[] }>;
  /** Docker's output lines (`Loaded image: busybox:latest`, `Loaded image ID: sha256:…`). */
  messages: string[];
}

interface Unpacked {
  dir: string;
  files: Set<string>;
  links: Map<string, string>;
}

export async function loadImages(store: ImageStore, input: Readable | AsyncIterable<Buffer>, onMessage?: (line: string) => void): Promise<LoadResult> {
  const tmpRoot = path.join(store.root, 'tmp');
  await fs.promises.mkdir(tmpRoot, { recursive: true, mode: 0o700 });
  const dir = await fs.promises.mkdtemp(path.join(tmpRoot, 'load-'));
  try {
    const u = await unpack(input, dir);
    const result: LoadResult = { images: [], messages: [] };
    const say = (line: string) => { result.messages.push(line); onMessage?.(line); };
    if (u.files.has('manifest.json')) await loadDockerManifest(store, u, result, say);
    else if (u.files.has('index.json')) await loadOciLayout(store, u, result, say);
    else throw new ImageError('invalidArgument', 'invalid image archive: it has neither manifest.json nor index.json');
    return result;
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/**
 * An archive path relative to the archive root: `./x` and `x` are the same, the root itself is `.`,
 * and absolute names or names that climb out with `..` are refused (undefined).
 */
function cleanName(name: string): string | undefined {
  if (name.startsWith('/')) return undefined;
  const n = path.posix.normalize(name).replace(/\/$/, '');
  if (n === '..' || n.startsWith('../')) return undefined;
  return n;
}

async function unpack(input: Readable | AsyncIterable<Buffer>, dir: string): Promise<Unpacked> {
  const files = new Set<string>();
  const links = new Map<string, string>();
  const extract = tar.extract();
  let count = 0;
  extract.on('entry', (header, stream, next) => {
    const name = cleanName(header.name);
    const drain = () => { stream.on('end', () => next()); stream.resume(); };
    // the entry stream is destroyed with the archive: give it a listener so the error surfaces once
    stream.on('error', () => {});
    const fail = (e: Error) => extract.destroy(e);
    if (++count > MAX_ENTRIES) return fail(new ImageError('invalidArgument', 'invalid image archive: too many entries'));
    if (!name) return fail(new ImageError('invalidArgument', `invalid image archive: unsafe entry name ${JSON.stringify(header.name)}`));
    if (name === '.') return drain(); // the `./` entry tar writes for the archive root
    if (header.type === 'symlink' && header.linkname) {
      links.set(name, header.linkname);
      return drain();
    }
    if (header.type !== 'file' && header.type !== 'contiguous-file') return drain();
    const target = path.join(dir, name);
    fs.promises.mkdir(path.dirname(target), { recursive: true })
      .then(() => pipeline(stream, fs.createWriteStream(target, { flags: 'wx', mode: 0o600 })))
      .then(() => { files.add(name); next(); }, fail);
  });
  await pipeline(input as Readable, extract);
  return { dir, files, links };
}

/** Resolves an archive path through archive symlinks (lexically, never leaving the archive). */
function resolveIn(u: Unpacked, p: string): string {
  let cur = cleanName(p);
  for (let hops = 0; cur && hops < 16; hops++) {
    if (u.files.has(cur)) return path.join(u.dir, cur);
    const link = u.links.get(cur);
    if (link === undefined) break;
    cur = cleanName(path.posix.join(path.posix.dirname(cur), link));
  }
  throw new ImageError('invalidArgument', `invalid image archive: ${JSON.stringify(p)} is missing or escapes the archive`);
}

async function readJsonFile<T>(file: string): Promise<{ bytes: Buffer; doc: T }> {
  const st = await fs.promises.stat(file);
  if (st.size > MAX_JSON_BYTES) throw new ImageError('invalidArgument', `invalid image archive: ${path.basename(file)} is too large`);
  const bytes = await fs.promises.readFile(file);
  try {
    return { bytes, doc: JSON.parse(bytes.toString('utf8')) as T };
  } catch {
    throw new ImageError('invalidArgument', `invalid image archive: ${path.basename(file)} is not valid JSON`);
  }
}

/** Ingests a blob of an OCI layout (`blobs/sha256/<hex>`), verifying digest and size. */
async function ingestLayoutBlob(store: ImageStore, u: Unpacked, d: Descriptor, layer = false): Promise<void> {
  if (!isDigest(d.digest)) throw new ImageError('invalidArgument', `invalid digest ${JSON.stringify(d.digest)}`);
  const file = resolveIn(u, `blobs/sha256/${d.digest.slice(7)}`);
  await store.content.fetch({ digest: d.digest, size: d.size }, async () => fs.createReadStream(file), { layer });
}

/** Manifests (not indexes) reachable from index.json. */
async function layoutManifests(u: Unpacked): Promise<Array<{ desc: Descriptor; doc: ImageManifest; names: string[] }>> {
  const out: Array<{ desc: Descriptor; doc: ImageManifest; names: string[] }> = [];
  const walk = async (idx: ImageIndex, inherited: string[], depth: number) => {
    for (const d of idx.manifests ?? []) {
      if (!isDigest(d.digest) || depth > 4) continue;
      const names = [...inherited, layoutImageName(d.annotations)].filter((n): n is string => !!n);
      let file: string;
      try { file = resolveIn(u, `blobs/sha256/${d.digest.slice(7)}`); } catch { continue; }
      const { bytes, doc } = await readJsonFile<ImageManifest & ImageIndex>(file);
      if (sha256Digest(bytes) !== d.digest) throw new ImageError('invalidArgument', `invalid image archive: ${d.digest} does not match its content`);
      if (INDEX_MEDIA_TYPES.includes(d.mediaType) || Array.isArray(doc.manifests)) await walk(doc, names, depth + 1);
      else if (doc.config) out.push({ desc: { mediaType: d.mediaType || doc.mediaType || MediaTypes.ociManifest, digest: d.digest, size: bytes.length }, doc, names });
    }
  };
  const { doc } = await readJsonFile<ImageIndex>(resolveIn(u, 'index.json'));
  await walk(doc, [], 0);
  return out;
}

/**
 * The name an OCI layout gives a manifest: containerd's `io.containerd.image.name`, else
 * `org.opencontainers.image.ref.name` when it is a full reference (`busybox:latest`, as Docker 25+
 * and skopeo write). A bare tag (`latest`) names no repository, so like Docker it tags nothing.
 */
function layoutImageName(annotations: Record<string, string> | undefined): string | undefined {
  const containerd = annotations?.['io.containerd.image.name'];
  if (containerd) return containerd;
  const refName = annotations?.['org.opencontainers.image.ref.name'];
  if (!refName || BARE_TAG.test(refName)) return undefined;
  try {
    const r = parseDockerRef(refName);
    return r.digest ? undefined : refName;
  } catch {
    return undefined;
  }
}

/** A tag alone, without repository (`latest`, `v1.2`): Docker's tag grammar. */
const BARE_TAG = /^[\w][\w.-]{0,127}$/;

async function tagLoaded(store: ImageStore, rec: ImageRecord, tags: string[], say: (l: string) => void): Promise<string[]> {
  const refs: Reference[] = [];
  for (const t of tags) {
    const r = parseDockerRef(t);
    if (r.digest) continue;
    const old = (await store.references())[referenceString(r)];
    if (old && old !== rec.id) say(`The image ${familiarString(r)} already exists, renaming the old one with ID ${old} to empty string`);
    refs.push(r);
  }
  for (const r of refs) await store.tag(rec.id, referenceString(r));
  const names = refs.map(familiarString);
  if (names.length) for (const n of names) say(`Loaded image: ${n}`);
  else say(`Loaded image ID: ${rec.id}`);
  return names;
}

async function loadDockerManifest(store: ImageStore, u: Unpacked, result: LoadResult, say: (l: string) => void): Promise<void> {
  const { doc: entries } = await readJsonFile<Array<{ Config: string; RepoTags?: string[] | null; Layers: string[] }>>(resolveIn(u, 'manifest.json'));
  if (!Array.isArray(entries)) throw new ImageError('invalidArgument', 'invalid image archive: manifest.json is not a list');
  const oci = u.files.has('index.json') ? await layoutManifests(u) : [];
  for (const e of entries) {
    const { bytes: cfgBytes, doc: cfg } = await readJsonFile<ImageConfig>(resolveIn(u, e.Config));
    const id = sha256Digest(cfgBytes);
    const diffIds = cfg.rootfs?.diff_ids ?? [];
    if (!Array.isArray(e.Layers) || e.Layers.length !== diffIds.length) throw new ImageError('invalidArgument', 'invalid manifest, layers length mismatch');
    let rec: ImageRecord;
    const match = oci.find((m) => m.doc.config?.digest === id);
    if (match) {
      // Docker 25+ archive: keep the exact manifest (and so the RepoDigest-compatible digest)
      await ingestLayoutBlob(store, u, match.doc.config);
      for (const l of match.doc.layers) await ingestLayoutBlob(store, u, l, true);
      await ingestLayoutBlob(store, u, match.desc);
      rec = await store.addImage(match.desc);
    } else {
      const layers: Descriptor[] = [];
      for (const [i, p] of e.Layers.entries()) {
        const r = await store.content.ingest(fs.createReadStream(resolveIn(u, p)), { layer: true });
        if (r.diffId !== diffIds[i]) throw new ImageError('invalidArgument', `invalid image archive: layer ${p} has diffID ${r.diffId}, the config expects ${diffIds[i]}`);
        layers.push({ mediaType: r.digest === r.diffId ? MediaTypes.ociLayer : MediaTypes.ociLayerGzip, digest: r.digest, size: r.size });
      }
      rec = await store.putImage(cfgBytes, layers);
    }
    result.images.push({ id: rec.id, tags: await tagLoaded(store, rec, e.RepoTags ?? [], say) });
  }
}

async function loadOciLayout(store: ImageStore, u: Unpacked, result: LoadResult, say: (l: string) => void): Promise<void> {
  const manifests = await layoutManifests(u);
  if (!manifests.length) throw new ImageError('invalidArgument', 'invalid image archive: index.json lists no image manifest');
  for (const m of manifests) {
    await ingestLayoutBlob(store, u, m.doc.config);
    for (const l of m.doc.layers) await ingestLayoutBlob(store, u, l, true);
    await ingestLayoutBlob(store, u, m.desc);
    const rec = await store.addImage(m.desc);
    result.images.push({ id: rec.id, tags: await tagLoaded(store, rec, m.names, say) });
  }
}
