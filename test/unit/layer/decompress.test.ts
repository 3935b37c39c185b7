// The compression table and decompressors: real bzip2/xz/zstd/gzip output decompressed in-process,
// corrupt data named, an abandoned xz stream not blocking the next one (the library decodes one at a time).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { decompressIf, decompressor, detectCompression, type Compression } from '../../../engine/image/layer';

const TOOLS: Record<Compression, string[]> = { gzip: ['gzip', '-c'], bzip2: ['bzip2', '-c'], xz: ['xz', '-c'], zstd: ['zstd', '-q', '-c'] };
const data = Buffer.concat([randomBytes(200_000), Buffer.alloc(300_000, 'a')]);
const compressed = Object.fromEntries(Object.entries(TOOLS).map(([k, argv]) => [k, execFileSync(argv[0], argv.slice(1), { input: data, maxBuffer: 16 << 20 })])) as Record<Compression, Buffer>;

async function drain(s: NodeJS.ReadableStream): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of s) out.push(c as Buffer);
  return Buffer.concat(out);
}

describe('layer: decompression', () => {
  it('recognises each format by its magic bytes and nothing else', () => {
    for (const [k, b] of Object.entries(compressed)) assert.equal(detectCompression(b), k);
    assert.equal(detectCompression(Buffer.from('BZ')), undefined, 'too short');
    assert.equal(detectCompression(Buffer.alloc(6)), undefined);
  });

  it('decompresses what the real tools wrote, streamed in small chunks', async () => {
    for (const [k, b] of Object.entries(compressed) as [Compression, Buffer][]) {
      const chunks = [];
      for (let i = 0; i < b.length; i += 7000) chunks.push(b.subarray(i, i + 7000));
      assert.ok((await drain(Readable.from(chunks).pipe(decompressor(k)))).equals(data), k);
      assert.ok((await drain(Readable.from(chunks).pipe(decompressIf(['gzip', 'bzip2', 'xz', 'zstd'])))).equals(data), `${k} sniffed`);
    }
    assert.ok((await drain(Readable.from([data]).pipe(decompressIf(['gzip'])))).equals(data), 'plain passes through');
  });

  it('names the format of corrupt data; refuses a format not accepted when asked to', async () => {
    for (const k of ['bzip2', 'xz', 'zstd'] as Compression[]) {
      const bad = Buffer.from(compressed[k]);
      // (fzstd does not check zstd's content checksum, so its damage is made in the frame header)
      bad[k === 'zstd' ? 4 : Math.floor(bad.length / 2)] ^= 0xff;
      await assert.rejects(drain(Readable.from([bad]).pipe(decompressor(k))), new RegExp(`${k} data is corrupt`), k);
    }
    await assert.rejects(drain(Readable.from([compressed.xz]).pipe(decompressIf(['gzip'], { onOther: (f) => new Error(`no ${f} here`) }))), /no xz here/);
  });

  it('an xz stream abandoned half-way does not block the next one', async () => {
    for (let i = 0; i < 3; i++) {
      const d = decompressor('xz');
      await new Promise<void>((resolve) => {
        d.once('data', () => resolve());
        Readable.from([compressed.xz]).pipe(d);
      });
      d.destroy();
    }
    assert.ok((await drain(Readable.from([compressed.xz]).pipe(decompressor('xz')))).equals(data));
  });
});
