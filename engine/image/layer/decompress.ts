// The one table of compression magic bytes (layers, `docker import`, the builder's ADD), and
// in-process decompressors for them: no external (let alone container-provided) decompressor ever
// runs (CVE-2014-9357). Node has gzip built in; the others come from npm, chosen to be pure
// JavaScript or WebAssembly (bundled into dist/engine.js, no native addon to build):
// - bzip2: unbzip2-stream (streaming, handles concatenated streams as bzip2 does);
// - xz: xz-decompress (xz-embedded compiled to WebAssembly, inlined; a web stream);
// - zstd: fzstd (streaming, by the author of fflate; it does not check the optional content
//   checksum, so damage inside a zstd archive's data is found only if the tar breaks).
import { Readable, Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import unbzip2 from 'unbzip2-stream';
import { XzReadableStream } from 'xz-decompress';

export type Compression = 'gzip' | 'bzip2' | 'xz' | 'zstd';

/** Bytes needed to recognise every format below (xz has the longest magic). */
export const SNIFF_BYTES = 6;

/** The compression `head` (the first bytes of a stream) starts with, if any (moby's DetectCompression). */
export function detectCompression(head: Buffer): Compression | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 3 && head.toString('latin1', 0, 3) === 'BZh') return 'bzip2';
  if (head.length >= 6 && head[0] === 0xfd && head.toString('latin1', 1, 6) === '7zXZ\0') return 'xz';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return undefined;
}

/** A transform that decompresses `format` (errors name the format: the libraries' own are terse). */
export function decompressor(format: Compression): Transform {
  const failed = (e: unknown) => new Error(`${format} data is corrupt: ${e instanceof Error ? e.message : String(e)}`);
  if (format === 'gzip') return zlib.createGunzip({ chunkSize: 1 << 20 });
  if (format === 'bzip2') return wrap(unbzip2() as unknown as NodeJS.ReadWriteStream, failed);
  if (format === 'zstd') {
    let d: ZstdDecompress;
    return new Transform({
      construct(cb) {
        d = new ZstdDecompress((chunk) => { this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)); });
        cb();
      },
      transform(chunk: Buffer, _e, cb) {
        try {
          d.push(chunk);
          cb();
        } catch (e) {
          cb(failed(e));
        }
      },
      flush(cb) {
        try {
          d.push(new Uint8Array(0), true);
          cb();
        } catch (e) {
          cb(failed(e));
        }
      },
    });
  }
  // xz: the decoder reads a web stream; bytes written here are fed to it. The library decodes one
  // stream at a time per process (a mutex around its WebAssembly instance, released when a stream
  // ends or is cancelled), so destroying this transform must cancel the decoder.
  const input = new Readable({ read() { /* fed by write() */ } });
  const decoded = Readable.fromWeb(new XzReadableStream(Readable.toWeb(input) as never) as never);
  const out = new Transform({
    transform(chunk: Buffer, _e, cb) {
      input.push(chunk);
      cb();
    },
    flush(cb) {
      input.push(null);
      done.then(() => cb(), (e) => cb(failed(e)));
    },
    destroy(err, cb) {
      decoded.destroy();
      input.destroy();
      cb(err);
    },
  });
  const done = (async () => {
    for await (const c of decoded) out.push(Buffer.from(c as Uint8Array));
  })();
  done.catch((e) => out.destroy(failed(e)));
  return out;
}

/** A Transform around an old-style duplex (through-based) stream. */
function wrap(inner: NodeJS.ReadWriteStream, failed: (e: unknown) => Error): Transform {
  let ended: (() => void) | undefined;
  const t = new Transform({
    transform(chunk: Buffer, _e, cb) {
      if (inner.write(chunk)) cb();
      else inner.once('drain', () => cb());
    },
    flush(cb) {
      ended = cb;
      inner.end();
    },
  });
  inner.on('data', (d: Buffer) => t.push(d));
  inner.on('end', () => ended?.());
  inner.on('error', (e) => t.destroy(failed(e)));
  return t;
}

/** Passes a stream through, decompressing it when it starts with the magic of an accepted format. */
class DecompressIf extends Transform {
  private decided = false;
  private inner?: Transform;
  private head = Buffer.alloc(0);

  constructor(private readonly accept: readonly Compression[], private readonly onOther?: (format: Compression) => Error) {
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
    if (!this.inner) return cb(null, chunk);
    if (this.inner.write(chunk)) cb();
    else this.inner.once('drain', () => cb());
  }

  override _flush(cb: TransformCallback): void {
    if (!this.decided) {
      const err = this.head.length ? this.decide() : undefined;
      if (err) return cb(err);
      if (!this.inner) {
        this.push(this.head);
        return cb();
      }
      this.inner.write(this.head);
    }
    if (!this.inner) return cb();
    this.inner.once('end', () => cb());
    this.inner.end();
  }

  private decide(): Error | undefined {
    this.decided = true;
    const format = detectCompression(this.head);
    if (!format) return undefined;
    if (!this.accept.includes(format)) return this.onOther?.(format);
    this.inner = decompressor(format);
    this.inner.on('data', (d: Buffer) => this.push(d));
    this.inner.on('error', (e) => this.destroy(e));
    return undefined;
  }
}

/**
 * A transform from a stream compressed with one of `accept` (or not compressed) to its plain bytes.
 * A stream in another known format fails with `onOther`'s error when given, else passes through.
 */
export function decompressIf(accept: readonly Compression[], opts: { onOther?: (format: Compression) => Error } = {}): Transform {
  return new DecompressIf(accept, opts.onOther);
}

/**
 * A transform from a plain-or-gzip tar stream to the plain tar. With `onOtherCompression`, an xz,
 * bzip2 or zstd stream fails with that error instead of passing through as (invalid) tar.
 */
export function gunzipIfGzip(opts: { onOtherCompression?: (format: string) => Error } = {}): Transform {
  return new DecompressIf(['gzip'], opts.onOtherCompression);
}
