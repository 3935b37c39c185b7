// `docker pull`: resolve (HEAD, then GET), choose the platform, download config and layers in
// parallel straight into the content store (verified while streaming), record the image.
import { DigestMismatchError, SizeMismatchError, familiarString, parseDockerRef, referenceString, shortId, type Descriptor, type ImageConfig, type ImageIndex, type ImageManifest, type ImageStore, type Reference } from '../image';
import { RegistryClient } from './client';
import { RegistryError } from './errors';
import { getManifest, headManifest, parseManifest, type FetchedManifest } from './manifest';
import { defaultPlatform, formatPlatform, normalizePlatform, parsePlatform, selectManifest, type PlatformSpec } from './platform';
import { mapLimit, throttledProgress, type OnProgress } from './progress';
import { retryDelay } from './retry';
import { clientFor, type RegistryOptions } from './session';

export interface PullOptions extends RegistryOptions {
  /** `linux/arm64`, or a spec; default: this host's platform. */
  platform?: string | PlatformSpec;
  /** Parallel layer downloads (Docker's default is 3). */
  concurrency?: number;
}

export interface PullResult {
  /** Image ID (config digest). */
  id: string;
  /** The digest the reference resolved to (index or manifest): what `Digest:` shows. */
  digest: string;
  manifest: Descriptor;
  reference: Reference;
  /** False when every blob was already present and the reference already pointed here. */
  downloaded: boolean;
}

export async function pull(name: string, store: ImageStore, opts: PullOptions = {}, onProgress?: OnProgress): Promise<PullResult> {
  const ref = parseDockerRef(name);
  const client = await clientFor(ref.domain, opts);
  const repo = ref.path;
  const tagOrDigest = ref.digest ?? ref.tag!;
  const what = `manifest for ${familiarString(ref)}`;
  const want = typeof opts.platform === 'string' ? parsePlatform(opts.platform) : opts.platform ?? defaultPlatform();
  const previous = await store.references().then((r) => r[referenceString(ref)]);
  onProgress?.({ status: `Pulling from ${repo}`, id: ref.digest ?? ref.tag });

  const top = await resolveManifest(client, store, repo, tagOrDigest, what, ref.digest);
  await store.content.put(top.bytes, { digest: top.digest });
  let manifest = top;
  let index: Descriptor | undefined;
  if (top.isIndex) {
    index = { mediaType: top.mediaType, digest: top.digest, size: top.bytes.length };
    const chosen = selectManifest((top.doc as ImageIndex).manifests, want);
    if (!chosen) throw new RegistryError('notFound', `no matching manifest for ${formatPlatform(want)} in the manifest list entries`);
    manifest = await resolveManifest(client, store, repo, chosen.digest, what, chosen.digest);
    if (manifest.isIndex) throw new RegistryError('unsupportedMediaType', `${what}: nested indexes are not supported`);
    await store.content.put(manifest.bytes, { digest: manifest.digest });
  }
  const m = manifest.doc as ImageManifest;
  let downloaded = false;
  // Blob GETs resume with a Range request after a broken connection (like dockerd); a registry
  // that ignores Range answers 200 and the transfer restarts from the first byte.
  const blobGet = (desc: Descriptor) => async (offset: number) => {
    const res = await client.request(`/v2/${repo}/blobs/${desc.digest}`, {
      scopes: [RegistryClient.scope(repo, ['pull'])], what: `blob ${desc.digest}`,
      ...(offset > 0 ? { headers: { Range: `bytes=${offset}-` } } : {}),
    });
    downloaded = true;
    const start = res.status === 206 ? Number(/^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1] ?? -1) : 0;
    if (start !== 0 && start !== offset) {
      await res.body?.cancel();
      throw new RegistryError('invalid', `blob ${desc.digest}: registry answered range ${res.headers.get('content-range')} for offset ${offset}`);
    }
    return { stream: bodyChunks(res, opts.signal), start };
  };
  const resume = (error: unknown, attempt: number) => retryDelay(error, attempt, opts.attempts ?? 5);
  await withRetries(opts.attempts, () => store.content.fetch(m.config, blobGet(m.config), { retry: resume }));
  if (!top.isIndex && opts.platform) {
    // a single-platform image must fit an explicitly requested platform (Docker 20.10's check)
    const cfg = await store.content.readJson<ImageConfig>(m.config.digest);
    const actual = { os: cfg.os ?? '', architecture: cfg.architecture ?? '', variant: cfg.variant };
    if (!selectManifest([{ ...m.config, platform: actual }], want)) {
      throw new RegistryError('notFound', `image with reference ${familiarString(ref)} was found but does not match the specified platform: wanted ${formatPlatform(want)}, actual: ${formatPlatform(normalizePlatform(actual))}`);
    }
  }

  // zstd layers (tar+zstd) are accepted: the content store decompresses them in-process while
  // they stream in and hashes the diffID (contentStore.ts LayerHasher, which says why fzstd's
  // unchecked frame checksums need no check of their own).
  const concurrency = opts.concurrency ?? 3;
  const present = await Promise.all(m.layers.map((l) => store.content.has(l.digest)));
  m.layers.forEach((l, i) => onProgress?.({ status: present[i] ? 'Already exists' : 'Pulling fs layer', id: shortId(l.digest) }));
  m.layers.filter((_, i) => !present[i]).slice(concurrency).forEach((l) => onProgress?.({ status: 'Waiting', id: shortId(l.digest) }));
  await mapLimit(m.layers, concurrency, async (l, i) => {
    if (present[i]) return;
    const id = shortId(l.digest);
    const progress = throttledProgress(onProgress, 'Downloading', id, l.size);
    await withRetries(opts.attempts, () => store.content.fetch(l, blobGet(l), { layer: true, onProgress: progress, retry: resume }));
    onProgress?.({ status: 'Verifying Checksum', id });
    onProgress?.({ status: 'Download complete', id });
    onProgress?.({ status: 'Pull complete', id });
  });

  const refs: Reference[] = [{ domain: ref.domain, path: ref.path, digest: top.digest }];
  if (ref.tag) refs.push(ref);
  const rec = await store.addImage({ mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.bytes.length }, { index, refs });
  const changed = downloaded || previous !== rec.id;
  onProgress?.({ status: `Digest: ${top.digest}` });
  onProgress?.({ status: changed ? `Status: Downloaded newer image for ${familiarString(ref)}` : `Status: Image is up to date for ${familiarString(ref)}` });
  return { id: rec.id, digest: top.digest, manifest: { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.bytes.length }, reference: ref, downloaded: changed };
}

/** HEAD first: if the store already has that digest, no GET is needed. */
async function resolveManifest(client: RegistryClient, store: ImageStore, repo: string, reference: string, what: string, expectedDigest?: string): Promise<FetchedManifest> {
  const known = expectedDigest ? { digest: expectedDigest, mediaType: '' } : await headManifest(client, repo, reference, what);
  if (known && (await store.content.has(known.digest))) {
    const bytes = await store.content.readBuffer(known.digest).catch(() => undefined);
    if (bytes) {
      const declared = (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ?? known.mediaType;
      return parseManifest(bytes, declared ?? '', known.digest, what);
    }
  }
  return getManifest(client, repo, known?.digest ?? reference, what, known?.digest ?? expectedDigest);
}

/**
 * The response body as Buffers. An abort cancels the reader, which settles a pending read at
 * once (streams spec), so an aborted pull never waits on a body that will not error by itself.
 */
async function* bodyChunks(res: Response, signal?: AbortSignal): AsyncGenerator<Buffer> {
  if (!res.body) return;
  const reader = res.body.getReader();
  const onAbort = () => { reader.cancel(signal?.reason).catch(() => {}); };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
      if (done) return;
      yield Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    reader.cancel().catch(() => {});
  }
}

/** Retries a whole blob transfer that failed before it could resume (bounded). */
async function withRetries<T>(attempts: number | undefined, fn: () => Promise<T>): Promise<T> {
  const max = Math.max(1, attempts ?? 3);
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof DigestMismatchError || e instanceof SizeMismatchError) {
        throw new RegistryError('digestMismatch', `filesystem layer verification failed: ${e.message}`);
      }
      if (!(await retryDelay(e, i, max))) throw e;
    }
  }
}
