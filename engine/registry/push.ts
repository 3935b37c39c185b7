// `docker push`: for every blob HEAD first, then a cross-repository mount, then an upload
// (POST + monolithic PUT, or PATCH chunks when the registry sets OCI-Chunk-Min-Length), in
// parallel; then PUT the manifest. Reports like Docker (`<tag>: digest: sha256:… size: N`).
// Uncompressed local layers (built or loaded here) are gzipped once first (distributableManifest).
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { distributableManifest, familiarName, familiarString, parseDockerRef, parseReference, repositoryName, shortId, type Descriptor, type ImageManifest, type ImageStore, type Reference } from '../image';
import { RegistryClient } from './client';
import { RegistryError } from './errors';
import { mapLimit, throttledProgress, type OnProgress } from './progress';
import { retryDelay } from './retry';
import { clientFor, type RegistryOptions } from './session';

export interface PushOptions extends RegistryOptions {
  /** Parallel blob uploads (Docker's default is 5). */
  concurrency?: number;
  /** Largest chunk for PATCH uploads when a registry asks for chunks. */
  chunkSize?: number;
}

export interface PushResult {
  tag?: string;
  digest: string;
  size: number;
  /** Per blob: how it got there. */
  blobs: Record<string, 'exists' | 'mounted' | 'pushed'>;
}

export async function push(name: string, store: ImageStore, opts: PushOptions = {}, onProgress?: OnProgress): Promise<PushResult> {
  const ref = parseDockerRef(name);
  const rec = await store.resolve(familiarString(ref));
  const { descriptor, manifest } = await distributableManifest(store, rec);
  const client = await clientFor(ref.domain, opts);
  const repo = ref.path;
  onProgress?.({ status: `The push refers to repository [${repositoryName(ref)}]` });
  const sources = await mountSources(store, ref);
  const blobs: PushResult['blobs'] = {};
  const layers = [...manifest.layers].reverse();
  for (const l of layers) onProgress?.({ status: 'Preparing', id: shortId(l.digest) });
  // like dockerd, a blob whose upload fails transiently is pushed again from the start (bounded)
  const pushWithRetries = async (d: Descriptor, from: string[], report?: OnProgress) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await pushBlob(client, store, repo, d, from, opts, report);
      } catch (e) {
        if (!(await retryDelay(e, attempt, opts.attempts ?? 5))) throw e;
        report?.({ status: `Retrying in ${attempt} second${attempt > 1 ? 's' : ''}`, id: shortId(d.digest) });
      }
    }
  };
  await mapLimit(layers, opts.concurrency ?? 5, async (l) => {
    blobs[l.digest] = await pushWithRetries(l, sources.get(l.digest) ?? [], onProgress);
  });
  blobs[manifest.config.digest] = await pushWithRetries(manifest.config, []);

  const bytes = await store.content.readBuffer(descriptor.digest);
  const target = ref.digest ?? ref.tag!;
  const res = await client.request(`/v2/${repo}/manifests/${target}`, {
    method: 'PUT', headers: { 'Content-Type': descriptor.mediaType }, body: bytes,
    scopes: [RegistryClient.scope(repo, ['pull', 'push'])], what: `manifest for ${familiarName(ref)}${ref.digest ? '@' : ':'}${target}`,
  });
  await res.body?.cancel();
  const returned = res.headers.get('docker-content-digest');
  if (returned && returned !== descriptor.digest) {
    throw new RegistryError('digestMismatch', `registry stored the manifest as ${returned}, expected ${descriptor.digest}`);
  }
  await store.addImage(descriptor, { refs: [{ domain: ref.domain, path: ref.path, digest: descriptor.digest }] });
  onProgress?.({ status: `${ref.tag ?? ref.digest}: digest: ${descriptor.digest} size: ${bytes.length}` });
  onProgress?.({ progressDetail: {}, aux: { Tag: ref.tag ?? '', Digest: descriptor.digest, Size: bytes.length } });
  return { tag: ref.tag, digest: descriptor.digest, size: bytes.length, blobs };
}

/** Other repositories on the same registry that hold each blob (from our references): mount candidates. */
async function mountSources(store: ImageStore, ref: Reference): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const refs = await store.references();
  for (const [key, id] of Object.entries(refs)) {
    const r = parseReference(key);
    if (r.domain !== ref.domain || r.path === ref.path) continue;
    const rec = await store.record(id);
    if (!rec) continue;
    // every stored manifest: a pushed image lists its compressed layers in a second one
    for (const d of rec.manifests) {
      const m = await store.content.readJson<ImageManifest>(d.digest).catch(() => undefined);
      for (const l of m?.layers ?? []) {
        const list = out.get(l.digest) ?? [];
        if (!list.includes(r.path)) list.push(r.path);
        out.set(l.digest, list);
      }
    }
  }
  return out;
}

async function pushBlob(client: RegistryClient, store: ImageStore, repo: string, desc: Descriptor, sources: string[], opts: PushOptions, onProgress?: OnProgress): Promise<'exists' | 'mounted' | 'pushed'> {
  const id = shortId(desc.digest);
  if ((await store.content.stat(desc.digest)) !== desc.size) {
    throw new RegistryError('notFound', `cannot push ${desc.digest}: the blob is missing from the local store (or has the wrong size)`);
  }
  const pushScope = RegistryClient.scope(repo, ['pull', 'push']);
  const head = await client.request(`/v2/${repo}/blobs/${desc.digest}`, { method: 'HEAD', scopes: [pushScope], accept: [404], what: `blob ${desc.digest}` });
  await head.body?.cancel();
  if (head.status === 200) {
    onProgress?.({ status: 'Layer already exists', id });
    return 'exists';
  }
  let location: string | undefined;
  for (const from of sources.slice(0, 3)) {
    const res = await client.request(`/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(desc.digest)}&from=${encodeURIComponent(from)}`, {
      method: 'POST', scopes: [pushScope, RegistryClient.scope(from, ['pull'])], accept: [201, 202], noRetry: true, what: `mount of ${desc.digest}`,
    });
    await res.body?.cancel();
    if (res.status === 201) {
      onProgress?.({ status: `Mounted from ${from}`, id });
      return 'mounted';
    }
    // 202: the registry did not mount but opened an upload session we can use
    location = res.headers.get('location') ?? undefined;
    break;
  }
  let minChunk: number | undefined;
  if (!location) {
    const res = await client.request(`/v2/${repo}/blobs/uploads/`, { method: 'POST', scopes: [pushScope], accept: [202], noRetry: true, what: `upload of ${desc.digest}` });
    await res.body?.cancel();
    location = res.headers.get('location') ?? undefined;
    const min = Number(res.headers.get('oci-chunk-min-length'));
    if (min > 0) minChunk = min;
  }
  if (!location) throw new RegistryError('invalid', `registry gave no upload location for ${desc.digest}`);
  const progress = throttledProgress(onProgress, 'Pushing', id, desc.size);
  const file = store.content.blobPath(desc.digest);
  let url = new URL(location, client.baseUrl);
  if (minChunk) {
    const chunk = Math.max(minChunk, opts.chunkSize ?? 8 << 20);
    for (let start = 0; start < desc.size; start += chunk) {
      const end = Math.min(desc.size, start + chunk) - 1;
      const res = await client.request(url.href, {
        method: 'PATCH', scopes: [pushScope], noRetry: true, what: `upload of ${desc.digest}`,
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${start}-${end}`, 'Content-Length': String(end - start + 1) },
        body: () => webStream(fs.createReadStream(file, { start, end })),
      });
      await res.body?.cancel();
      url = new URL(res.headers.get('location') ?? url.href, client.baseUrl);
      progress(end + 1);
    }
    url.searchParams.set('digest', desc.digest);
    const res = await client.request(url.href, { method: 'PUT', scopes: [pushScope], noRetry: true, what: `upload of ${desc.digest}`, headers: { 'Content-Length': '0' }, body: Buffer.alloc(0) });
    await res.body?.cancel();
  } else {
    url.searchParams.set('digest', desc.digest);
    let sent = 0;
    const res = await client.request(url.href, {
      method: 'PUT', scopes: [pushScope], noRetry: true, what: `upload of ${desc.digest}`,
      // an explicit length (not chunked encoding): some registries refuse chunked monolithic PUTs
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(desc.size) },
      body: () => {
        sent = 0;
        const rs = fs.createReadStream(file, { highWaterMark: 1 << 20 });
        rs.on('data', (c) => { sent += c.length; progress(sent); });
        return webStream(rs);
      },
    });
    await res.body?.cancel();
  }
  onProgress?.({ status: 'Pushed', id });
  return 'pushed';
}

function webStream(r: Readable): ReadableStream<Uint8Array> {
  return Readable.toWeb(r) as unknown as ReadableStream<Uint8Array>;
}
