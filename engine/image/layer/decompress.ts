// Sniffs the first bytes of a layer stream and gunzips in-process (Node zlib) when it is gzip, so no
// external (let alone container-provided) decompressor ever runs (CVE-2014-9357).
import { Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';

class GunzipIfGzip extends Transform {
  private decided = false;
  private gunzip?: zlib.Gunzip;
  private head = Buffer.alloc(0);

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (!this.decided) {
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < 2) return cb();
      this.decided = true;
      chunk = this.head;
      if (chunk[0] === 0x1f && chunk[1] === 0x8b) {
        this.gunzip = zlib.createGunzip();
        this.gunzip.on('data', (d: Buffer) => this.push(d));
        this.gunzip.on('error', (e) => this.destroy(e));
      }
    }
    if (!this.gunzip) return cb(null, chunk);
    if (this.gunzip.write(chunk)) cb();
    else this.gunzip.once('drain', () => cb());
  }

  override _flush(cb: TransformCallback): void {
    if (!this.decided && this.head.length) this.push(this.head);
    if (!this.gunzip) return cb();
    this.gunzip.once('end', () => cb());
    this.gunzip.end();
  }
}

/** A transform from a plain-or-gzip tar stream to the plain tar. */
export function gunzipIfGzip(): Transform {
  return new GunzipIfGzip();
}
