/**
 * writeLayer: layer entries → PAX tar → gzip, with the diffID (sha256 of the tar) and the blob
 * digest + size (sha256 of the gzip) computed in the same single streaming pass. mtimes are whole
 * seconds, optionally clamped to SOURCE_DATE_EPOCH; atime/ctime are never written.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
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

async function* tarChunks(entries: Iterable<LayerEntry> | AsyncIterable<LayerEntry>, epoch?: number): AsyncGenerator<Buffer> {
  for await (const e of entries) {
    const mtime = epoch !== undefined ? Math.min(e.mtime, epoch) : e.mtime;
    yield encodeHeader({ ...e, mtime });
    if (e.type !== 'file' || e.size === 0) continue;
    if (!e.source) throw new Error(`layer entry ${e.name} has no content source`);
    if (e.size <= SMALL_FILE) {
      // small files in one synchronous read: far fewer event-loop hops for trees of many files
      const fd = fs.openSync(e.source, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
      try {
        const buf = Buffer.allocUnsafe(e.size);
        let n = 0;
        while (n < e.size) {
          const got = fs.readSync(fd, buf, n, e.size - n, n);
          if (got === 0) throw new Error(`${e.source} shrank while it was being archived`);
          n += got;
        }
        yield buf;
      } finally {
        fs.closeSync(fd);
      }
    } else {
      yield* readLarge(e.source, e.size);
    }
    const padding = paddingFor(e.size);
    if (padding) yield Buffer.alloc(padding);
  }
  yield END_OF_ARCHIVE;
}

const SMALL_FILE = 1 << 20;

async function* readLarge(source: string, size: number): AsyncGenerator<Buffer> {
  let n = 0;
  const fh = await fs.promises.open(source, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    const buf = Buffer.allocUnsafe(Math.min(1 << 20, size));
    while (n < size) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - n), n);
      if (bytesRead === 0) throw new Error(`${source} shrank while it was being archived`);
      n += bytesRead;
      yield Buffer.from(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
}

/** Streams the layer for `entries` into `out`; returns both digests. */
export async function writeLayer(entries: Iterable<LayerEntry> | AsyncIterable<LayerEntry>, out: Writable, opts: WriteLayerOptions = {}): Promise<LayerDigests> {
  const raw = new Hasher();
  const blob = new Hasher();
  const gzip = opts.compression !== 'none';
  const source = Readable.from(tarChunks(entries, opts.sourceDateEpoch));
  if (gzip) await pipeline(source, raw, zlib.createGzip({ level: opts.gzipLevel ?? zlib.constants.Z_DEFAULT_COMPRESSION }), blob, out, { signal: opts.signal });
  else await pipeline(source, raw, blob, out, { signal: opts.signal });
  return {
    diffID: `sha256:${raw.hash.digest('hex')}`,
    digest: `sha256:${blob.hash.digest('hex')}`,
    size: blob.bytes,
    mediaType: gzip ? LAYER_MEDIA_TYPE_GZIP : LAYER_MEDIA_TYPE_TAR,
  };
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
