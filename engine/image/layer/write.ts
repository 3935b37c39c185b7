/**
 * writeLayer: layer entries → PAX tar → (optionally) gzip, with the diffID (sha256 of the tar) and the
 * blob digest + size (sha256 of the gzip, or of the tar itself) computed in the same single
 * streaming pass. mtimes are whole seconds, optionally clamped to SOURCE_DATE_EPOCH; atime/ctime
 * are never written.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable, Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import type { LayerEntry } from './diff';
import { encodeHeader, END_OF_ARCHIVE, paddingFor } from './tarHeader';

export interface LayerDigests {
  /** sha256 of the uncompressed tar. */
  diffID: string;
  /** sha256 of the blob as written (gzip, or the tar itself for `compression: 'none'`). */
  digest: string;
  size: number;
  mediaType: string;
}

export interface WriteLayerOptions {
  /** Clamp every mtime to this (seconds), as BuildKit does with SOURCE_DATE_EPOCH. */
  sourceDateEpoch?: number;
  compression?: 'gzip' | 'none';
  gzipLevel?: number;
  signal?: AbortSignal;
}

export const LAYER_MEDIA_TYPE_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const LAYER_MEDIA_TYPE_TAR = 'application/vnd.oci.image.layer.v1.tar';

class Hasher extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

/**
 * Tar bytes are handed on in batches of about this size: a layer of many small files is then a few
 * stream chunks instead of three (header, content, padding) per file, each a hop through every
 * stage of the pipeline. A file that fits in a batch is read synchronously straight into it.
 */
const BATCH = 1 << 20;

/** Collects tar pieces into one preallocated buffer; `take()` hands the filled part on. */
class Batch {
  private buf = Buffer.allocUnsafe(BATCH);
  private used = 0;

  get length(): number {
    return this.used;
  }

  room(): number {
    return this.buf.length - this.used;
  }

  /** A writable window of `n` bytes (the caller fills it, then calls `advance(n)`). */
  window(n: number): Buffer {
    return this.buf.subarray(this.used, this.used + n);
  }

  advance(n: number): void {
    this.used += n;
  }

  push(b: Buffer): void {
    b.copy(this.buf, this.used);
    this.used += b.length;
  }

  zeros(n: number): void {
    this.buf.fill(0, this.used, this.used + n);
    this.used += n;
  }

  /** The bytes collected so far; a fresh buffer starts (the consumer may still hold the old one). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.used);
    this.buf = Buffer.allocUnsafe(BATCH);
    this.used = 0;
    return out;
  }
}

/**
 * Small files are read synchronously, but a layer of thousands of them is not written in one
 * piece: after this many ms the writer lets the event loop run (a build's other stages, the step
 * running on top of this layer).
 */
const YIELD_MS = 4;

async function* tarChunks(entries: Iterable<LayerEntry> | AsyncIterable<LayerEntry>, epoch?: number): AsyncGenerator<Buffer> {
  const batch = new Batch();
  let since = performance.now();
  for await (const e of entries) {
    if (performance.now() - since >= YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      since = performance.now();
    }
    const mtime = epoch !== undefined ? Math.min(e.mtime, epoch) : e.mtime;
    const header = encodeHeader({ ...e, mtime });
    const hasContent = e.type === 'file' && e.size > 0;
    if (hasContent && !e.source) throw new Error(`layer entry ${e.name} has no content source`);
    const padding = hasContent ? paddingFor(e.size) : 0;
    // small: header, content and padding fit in one batch
    const small = hasContent && header.length + e.size + padding <= BATCH;
    const need = header.length + (small ? e.size + padding : 0);
    if (need > batch.room() && batch.length) yield batch.take();
    if (header.length > batch.room()) yield header; // PAX records bigger than a batch
    else batch.push(header);
    if (!hasContent) continue;
    if (small) {
      readInto(e.source!, batch.window(e.size));
      batch.advance(e.size);
    } else {
      if (batch.length) yield batch.take();
      yield* readLarge(e.source!, e.size);
    }
    if (padding > batch.room()) yield batch.take();
    batch.zeros(padding);
  }
  if (END_OF_ARCHIVE.length > batch.room()) yield batch.take();
  batch.push(END_OF_ARCHIVE);
  yield batch.take();
}

/** Reads exactly `into.length` bytes of a small file (synchronously: far fewer event-loop hops for trees of many files). */
function readInto(source: string, into: Buffer): void {
  const fd = fs.openSync(source, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    let n = 0;
    while (n < into.length) {
      const got = fs.readSync(fd, into, n, into.length - n, n);
      if (got === 0) throw new Error(`${source} shrank while it was being archived`);
      n += got;
    }
  } finally {
    fs.closeSync(fd);
  }
}

async function* readLarge(source: string, size: number): AsyncGenerator<Buffer> {
  let n = 0;
  const fh = await fs.promises.open(source, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    while (n < size) {
      const buf = Buffer.allocUnsafe(Math.min(BATCH, size - n));
      const { bytesRead } = await fh.read(buf, 0, buf.length, n);
      if (bytesRead === 0) throw new Error(`${source} shrank while it was being archived`);
      n += bytesRead;
      yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/**
 * Streams the layer for `entries` into `out`; returns both digests. Uncompressed (the builder's
 * default, as BuildKit's: compression happens once, when a layer is pushed) the blob is the tar, so
 * one hash gives both.
 */
export async function writeLayer(entries: Iterable<LayerEntry> | AsyncIterable<LayerEntry>, out: Writable, opts: WriteLayerOptions = {}): Promise<LayerDigests> {
  const raw = new Hasher();
  const gzip = opts.compression !== 'none';
  const source = Readable.from(tarChunks(entries, opts.sourceDateEpoch));
  if (!gzip) {
    await pipeline(source, raw, out, { signal: opts.signal });
    const digest = `sha256:${raw.hash.digest('hex')}`;
    return { diffID: digest, digest, size: raw.bytes, mediaType: LAYER_MEDIA_TYPE_TAR };
  }
  const blob = new Hasher();
  await pipeline(source, raw, zlib.createGzip({ level: opts.gzipLevel ?? zlib.constants.Z_DEFAULT_COMPRESSION }), blob, out, { signal: opts.signal });
  return {
    diffID: `sha256:${raw.hash.digest('hex')}`,
    digest: `sha256:${blob.hash.digest('hex')}`,
    size: blob.bytes,
    mediaType: LAYER_MEDIA_TYPE_GZIP,
  };
}

/**
 * Writes the uncompressed tar of `entries` to `file` (created exclusively, fsynced) with
 * synchronous writes, for a worker thread; the sha256 of the tar is both its digest and diffID.
 */
export async function writeLayerTarFile(entries: Iterable<LayerEntry>, file: string, opts: { sourceDateEpoch?: number } = {}): Promise<{ digest: string; size: number }> {
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of tarChunks(entries, opts.sourceDateEpoch)) {
      hash.update(chunk);
      let off = 0;
      while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
      size += chunk.length;
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** Writes the layer to a new temp file in `dir` (for callers without a content-store writer). */
export async function writeLayerToFile(entries: Iterable<LayerEntry> | AsyncIterable<LayerEntry>, dir: string, opts: WriteLayerOptions = {}): Promise<LayerDigests & { file: string }> {
  await fs.promises.mkdir(dir, { recursive: true });
  const file = path.join(dir, `layer-${randomBytes(8).toString('hex')}.tmp`);
  try {
    const d = await writeLayer(entries, fs.createWriteStream(file, { mode: 0o600 }), opts);
    return { ...d, file };
  } catch (e) {
    await fs.promises.rm(file, { force: true });
    throw e;
  }
}
