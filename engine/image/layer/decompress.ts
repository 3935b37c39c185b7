// Sniffs the first bytes of a layer stream and gunzips in-process (Node zlib) when it is gzip, so no
// external (let alone container-provided) decompressor ever runs (CVE-2014-9357).
import { Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';

/** Bytes needed to recognise every format below (xz has the longest magic). */
const SNIFF_BYTES = 6;

/** Other compressions a tar may come in; we only inflate gzip. */
function otherCompression(head: Buffer): string | undefined {
  if (head[0] === 0xfd && head.subarray(1, 6).toString('latin1') === '7zXZ\0') return 'xz';
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return undefined;
}

class GunzipIfGzip extends Transform {
  private decided = false;
  private gunzip?: zlib.Gunzip;
  private head = Buffer.alloc(0);

  constructor(private readonly onOtherCompression?: (format: string) => Error) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (!this.decided) {
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < SNIFF_BYTES) return cb();
      const err = this.decide();
      if (err) return cb(err);
      chunk = this.head;
    }
    if (!this.gunzip) return cb(null, chunk);
    if (this.gunzip.write(chunk)) cb();
    else this.gunzip.once('drain', () => cb());
  }

  override _flush(cb: TransformCallback): void {
    if (!this.decided && this.head.length) {
      this.decided = true;
      this.push(this.head);
    }
    if (!this.gunzip) return cb();
    this.gunzip.once('end', () => cb());
    this.gunzip.end();
  }

  private decide(): Error | undefined {
    this.decided = true;
    if (this.head[0] === 0x1f && this.head[1] === 0x8b) {
      this.gunzip = zlib.createGunzip({ chunkSize: 1 << 20 });
      this.gunzip.on('data', (d: Buffer) => this.push(d));
      this.gunzip.on('error', (e) => this.destroy(e));
      return undefined;
    }
    const other = this.onOtherCompression && otherCompression(this.head);
    return other ? this.onOtherCompression!(other) : undefined;
  }
}

/**
 * A transform from a plain-or-gzip tar stream to the plain tar. With `onOtherCompression`, an xz,
 * bzip2 or zstd stream fails with that error instead of passing through as (invalid) tar.
 */
export function gunzipIfGzip(opts: { onOtherCompression?: (format: string) => Error } = {}): Transform {
  return new GunzipIfGzip(opts.onOtherCompression);
}
