// Content-addressed blob store: `<root>/blobs/sha256/<hex>`. A blob is streamed into a temp file
// under `<root>/ingest/` while hashed, checked against the expected digest AND size, fsynced and
// renamed into place (then the directory is fsynced), so a digest path never holds partial or wrong
// bytes. Concurrent ingests of the same digest inside this process share one transfer.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { assertDigest, digestHex, sha256Hasher } from './digest';
import { decompressor, detectCompression } from './layer/decompress';
import { fsyncDir, writeFileAtomic } from './fileLock';

export class DigestMismatchError extends Error {
  override name = 'DigestMismatchError';
}
export class SizeMismatchError extends Error {
  override name = 'SizeMismatchError';
}
export class BlobNotFoundError extends Error {
  override name = 'BlobNotFoundError';
}

export interface IngestOptions {
  /** When given, the content must hash to this digest. */
  digest?: string;
  /** When given, the content must be exactly this many bytes (reading stops with an error beyond it). */
  size?: number;
  /** Also compute the uncompressed digest/size (diffID) of a gzip, zstd (or plain tar) layer in the same pass. */
  layer?: boolean;
  /** Called with the number of bytes written so far. */
  onProgress?: (written: number) => void;
  /** After a read failure: whether (after waiting as it likes) to reopen the source and go on. */
  retry?: (error: unknown, attempt: number) => Promise<boolean>;
}

export type BlobSource = Iterable<Buffer> | AsyncIterable<Buffer> | Readable;

/** Opens a blob's bytes from `offset`; returning a bare source means it starts at 0. */
export type OpenBlob = (offset: number) => Promise<BlobSource | { stream: BlobSource; start: number }>;

function isSourceWithStart(v: unknown): v is { stream: BlobSource; start: number } {
  return typeof v === 'object' && v !== null && 'stream' in v && 'start' in v && typeof (v as { start: unknown }).start === 'number';
}

export interface IngestResult {
  digest: string;
  size: number;
  /** Only with `layer`: sha256 of the uncompressed stream and its length. */
  diffId?: string;
  uncompressedSize?: number;
  /** True when the blob was already in the store (nothing was written). */
  existed?: boolean;
}

export interface LayerInfo {
  diffId: string;
  uncompressedSize: number;
}


export class ContentStore {
  readonly blobsDir: string;
  private readonly ingestDir: string;
  private readonly infoDir: string;
  private readonly inflight = new Map<string, Promise<IngestResult>>();

  constructor(readonly root: string) {
    this.blobsDir = path.join(root, 'blobs', 'sha256');
    this.ingestDir = path.join(root, 'ingest');
    this.infoDir = path.join(root, 'layerinfo');
    fs.mkdirSync(this.blobsDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.ingestDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.infoDir, { recursive: true, mode: 0o700 });
  }

  blobPath(digest: string): string {
    return path.join(this.blobsDir, digestHex(digest));
  }

  /** Size of a stored blob, or undefined. */
  async stat(digest: string): Promise<number | undefined> {
    try {
      return (await fs.promises.stat(this.blobPath(digest))).size;
    } catch {
      return undefined;
    }
  }

  async has(digest: string): Promise<boolean> {
    return (await this.stat(digest)) !== undefined;
  }

  /** Digests of all stored blobs. */
  async list(): Promise<string[]> {
    const names = await fs.promises.readdir(this.blobsDir);
    return names.filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }

  /** Number of ingests currently running in this process (GC leaves their blobs alone). */
  isIngesting(digest: string): boolean {
    return this.inflight.has(digest);
  }

  /**
   * Stores a blob that must match `expected`, calling `open` only if it is neither present nor
   * already being fetched; concurrent callers for the same digest share the one transfer.
   */
  async fetch(expected: { digest: string; size?: number }, open: OpenBlob, opts: Omit<IngestOptions, 'digest' | 'size'> = {}): Promise<IngestResult> {
    assertDigest(expected.digest);
    const running = this.inflight.get(expected.digest);
    if (running) return { ...(await running), existed: true };
    // registered before the first await so a concurrent caller always finds it
    const p = (async (): Promise<IngestResult> => {
      const size = await this.stat(expected.digest);
      if (size !== undefined && (expected.size === undefined || size === expected.size)) {
        return { digest: expected.digest, size, existed: true };
      }
      return this.ingestFrom(open, { ...opts, digest: expected.digest, size: expected.size });
    })();
    this.inflight.set(expected.digest, p);
    try {
      return await p;
    } finally {
      this.inflight.delete(expected.digest);
    }
  }

  /** A fresh temp path in the ingest dir, for a blob written elsewhere (a worker thread) and then `adopt`ed. */
  ingestPath(): string {
    return path.join(this.ingestDir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  }

  /**
   * Moves a blob written and fsynced at `tmp` (from `ingestPath`) into the store as `expected`:
   * its writer computed the digest over exactly the bytes it wrote (the layer writer of a worker
   * thread), so only the size is checked again. The temp file is gone afterwards either way.
   */
  async adopt(tmp: string, expected: { digest: string; size: number }): Promise<IngestResult> {
    assertDigest(expected.digest);
    try {
      if (path.dirname(tmp) !== this.ingestDir) throw new Error(`not an ingest path: ${tmp}`);
      const size = (await fs.promises.stat(tmp)).size;
      if (size !== expected.size) throw new SizeMismatchError(`size mismatch for ${expected.digest}: got ${size} bytes, expected ${expected.size}`);
      await fs.promises.rename(tmp, this.blobPath(expected.digest));
      await fsyncDir(this.blobsDir);
      return { digest: expected.digest, size };
    } finally {
      await fs.promises.rm(tmp, { force: true });
    }
  }

  /** Streams `source` into the store; verifies digest and size when given. */
  async ingest(source: BlobSource, opts: IngestOptions = {}): Promise<IngestResult> {
    return this.ingestFrom(async () => source, opts);
  }

  /**
   * Like `ingest`, but the source is opened by `open(offset)`; when reading fails and
   * `opts.retry` allows it, the source is reopened at the number of bytes already written (a
   * source that cannot resume answers `{ stream, start: 0 }` and the transfer restarts).
   */
  async ingestFrom(open: OpenBlob, opts: IngestOptions = {}): Promise<IngestResult> {
    if (opts.digest) assertDigest(opts.digest);
    const tmp = path.join(this.ingestDir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    const fh = await fs.promises.open(tmp, 'wx', 0o600);
    let hash = sha256Hasher();
    let written = 0;
    let layer: LayerHasher | undefined;
    try {
      for (let attempt = 1; ; attempt++) {
        const opened = await open(written);
        const { stream, start } = isSourceWithStart(opened) ? opened : { stream: opened, start: 0 };
        if (start !== written) {
          if (start !== 0) throw new Error(`blob source resumed at ${start} instead of ${written}`);
          // the source could not resume: start over
          hash = sha256Hasher();
          layer?.abort();
          layer = undefined;
          written = 0;
          await fh.truncate(0);
        }
        try {
          for await (const raw of stream) {
            const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
            if (opts.size !== undefined && written + chunk.length > opts.size) {
              throw new SizeMismatchError(`size mismatch for ${opts.digest ?? 'blob'}: more than the expected ${opts.size} bytes`);
            }
            if (opts.layer && !layer) layer = new LayerHasher(layerCompression(chunk));
            hash.update(chunk);
            if (layer) await layer.write(chunk);
            let off = 0;
            while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off, written + off)).bytesWritten;
            written += chunk.length;
            opts.onProgress?.(written);
          }
          break;
        } catch (e) {
          if (e instanceof SizeMismatchError || !opts.retry || !(await opts.retry(e, attempt))) throw e;
        }
      }
      if (opts.size !== undefined && written !== opts.size) {
        throw new SizeMismatchError(`size mismatch for ${opts.digest ?? 'blob'}: got ${written} bytes, expected ${opts.size}`);
      }
      const digest = `sha256:${hash.digest('hex')}`;
      if (opts.digest && digest !== opts.digest) {
        throw new DigestMismatchError(`digest mismatch: expected ${opts.digest}, got ${digest}`);
      }
      if (opts.layer && !layer) layer = new LayerHasher(undefined);
      const info = layer ? await layer.finish(digest) : undefined;
      await fh.sync();
      await fh.close();
      await fs.promises.rename(tmp, this.blobPath(digest));
      await fsyncDir(this.blobsDir);
      if (info) await this.setLayerInfo(digest, info);
      return { digest, size: written, diffId: info?.diffId, uncompressedSize: info?.uncompressedSize };
    } catch (e) {
      layer?.abort();
      await fh.close().catch(() => {});
      await fs.promises.rm(tmp, { force: true });
      throw e;
    }
  }

  /** Stores a small in-memory blob (manifest, config, index). */
  async put(data: Buffer | string, expected?: { digest: string; size?: number }): Promise<IngestResult> {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    return this.ingest([buf], { digest: expected?.digest, size: expected?.size });
  }

  /** Reads a blob as a stream; with `verify` the stream errors at its end if the bytes do not match. */
  read(digest: string, opts: { verify?: boolean } = {}): Readable {
    const file = fs.createReadStream(this.blobPath(digest));
    if (!opts.verify) return file;
    const hash = sha256Hasher();
    const check = new Transform({
      transform(chunk: Buffer, _enc, cb) { hash.update(chunk); cb(null, chunk); },
      flush(cb) {
        const got = `sha256:${hash.digest('hex')}`;
        cb(got === digest ? null : new DigestMismatchError(`blob ${digest} is corrupted (content hashes to ${got})`));
      },
    });
    file.on('error', (e: NodeJS.ErrnoException) => check.destroy(e.code === 'ENOENT' ? new BlobNotFoundError(`blob not found: ${digest}`) : e));
    return file.pipe(check);
  }

  /** Reads a whole (small) blob and verifies it. */
  async readBuffer(digest: string): Promise<Buffer> {
    let buf: Buffer;
    try {
      buf = await fs.promises.readFile(this.blobPath(digest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(`blob not found: ${digest}`);
      throw e;
    }
    const got = `sha256:${sha256Hasher().update(buf).digest('hex')}`;
    if (got !== digest) throw new DigestMismatchError(`blob ${digest} is corrupted (content hashes to ${got})`);
    return buf;
  }

  async readJson<T>(digest: string): Promise<T> {
    return JSON.parse((await this.readBuffer(digest)).toString('utf8')) as T;
  }

  /** Re-hashes a stored blob; false if missing or corrupted. */
  async verify(digest: string): Promise<boolean> {
    try {
      for await (const _ of this.read(digest, { verify: true })) { /* drain */ }
      return true;
    } catch {
      return false;
    }
  }

  async delete(digest: string): Promise<void> {
    await fs.promises.rm(this.blobPath(digest), { force: true });
    await fs.promises.rm(path.join(this.infoDir, `${digestHex(digest)}.json`), { force: true });
    await fs.promises.rm(path.join(this.root, 'gzipped', `${digestHex(digest)}.json`), { force: true });
  }

  /** The uncompressed digest (diffID) and size of a layer blob, computed once and remembered. */
  async layerInfo(digest: string): Promise<LayerInfo> {
    const file = path.join(this.infoDir, `${digestHex(digest)}.json`);
    try {
      return JSON.parse(await fs.promises.readFile(file, 'utf8')) as LayerInfo;
    } catch { /* compute below */ }
    const stream = this.read(digest, { verify: true });
    let layer: LayerHasher | undefined;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (!layer) layer = new LayerHasher(layerCompression(chunk));
      await layer.write(chunk);
    }
    const info = await (layer ?? new LayerHasher(undefined)).finish(digest);
    await this.setLayerInfo(digest, info);
    return info;
  }

  /** Opens a layer blob as an uncompressed tar stream (gzip and zstd are detected by their magic bytes). */
  async openLayer(digest: string): Promise<Readable> {
    const fd = await fs.promises.open(this.blobPath(digest), 'r');
    const head = Buffer.alloc(4);
    await fd.read(head, 0, 4, 0);
    await fd.close();
    const blob = this.read(digest, { verify: true });
    const format = layerCompression(head);
    if (!format) return blob;
    const inflate = decompressor(format);
    blob.on('error', (e) => inflate.destroy(e));
    return blob.pipe(inflate);
  }

  /** Removes temp files left by a crash (older than `olderThanMs`). */
  async cleanIngest(olderThanMs = 60 * 60_000): Promise<void> {
    const now = Date.now();
    for (const n of await fs.promises.readdir(this.ingestDir)) {
      const p = path.join(this.ingestDir, n);
      const st = await fs.promises.stat(p).catch(() => undefined);
      const pid = Number(n.split('-')[0]);
      const ownerGone = pid !== process.pid && !processAlive(pid);
      if (st && (ownerGone || now - st.mtimeMs > olderThanMs)) await fs.promises.rm(p, { force: true });
    }
  }

  /** Remembers a layer's diffID and size computed elsewhere in the same pass as its digest. */
  async setLayerInfo(digest: string, info: LayerInfo): Promise<void> {
    await writeFileAtomic(path.join(this.infoDir, `${digestHex(digest)}.json`), JSON.stringify(info));
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The compression of a layer blob from its first bytes: gzip, or zstd (OCI's `tar+zstd`, pulled
 * since 2023's images); anything else is taken for a plain tar.
 */
function layerCompression(head: Buffer): 'gzip' | 'zstd' | undefined {
  const c = detectCompression(head);
  return c === 'gzip' || c === 'zstd' ? c : undefined;
}

/**
 * Hashes the uncompressed form of a layer while its compressed bytes stream by.
 * zstd (fzstd, in-process) does not check a frame's optional content checksum (XXH64 of the
 * frame's content): it need not, since what it would catch — output that differs from what was
 * compressed — is caught here by something stronger: every byte the decoder produces is hashed
 * into the diffID, which must equal the config's `rootfs.diff_ids` entry (imageStore.addImage),
 * and the config itself is verified by its digest from the manifest. The compressed bytes are
 * verified by the blob digest before anything is stored under it.
 */
class LayerHasher {
  private readonly hash = sha256Hasher();
  private size = 0;
  private readonly gunzip?: Transform;
  private failure?: Error;

  constructor(private readonly format: 'gzip' | 'zstd' | undefined) {
    if (format) {
      this.gunzip = format === 'gzip' ? zlib.createGunzip({ chunkSize: 1 << 20 }) : decompressor(format);
      this.gunzip.on('data', (c: Buffer) => { this.hash.update(c); this.size += c.length; });
      this.gunzip.on('error', (e) => { this.failure = new Error(`the layer is not a valid ${format} stream: ${e.message}`); });
    }
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.gunzip) {
      this.hash.update(chunk);
      this.size += chunk.length;
      return;
    }
    if (this.gunzip.write(chunk)) return;
    // wait for room; an error or close settles the wait too, so a broken stream never hangs us
    const gz = this.gunzip;
    await new Promise<void>((resolve, reject) => {
      const done = (e?: Error) => {
        gz.off('drain', onDrain).off('error', done).off('close', onClose);
        if (e) reject(e);
        else resolve();
      };
      const onDrain = () => done();
      const onClose = () => done(this.failure ?? new Error('gunzip closed'));
      gz.once('drain', onDrain).once('error', done).once('close', onClose);
    });
  }

  async finish(compressedDigest: string): Promise<LayerInfo> {
    if (this.gunzip) {
      await new Promise<void>((resolve, reject) => {
        if (this.failure) return reject(this.failure);
        this.gunzip!.once('end', resolve);
        this.gunzip!.once('error', reject);
        this.gunzip!.end();
        this.gunzip!.resume();
      }).catch((e: Error) => { this.failure ??= e; });
    }
    if (this.failure) throw new Error(`layer ${compressedDigest}: ${this.failure.message}`);
    return { diffId: `sha256:${this.hash.digest('hex')}`, uncompressedSize: this.size };
  }

  abort(): void {
    this.gunzip?.destroy();
  }
}
