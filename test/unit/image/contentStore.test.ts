import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { ContentStore, DigestMismatchError, SizeMismatchError, sha256Digest } from '../../../engine/image';

describe('content store', () => {
  let dir: string;
  let store: ContentStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cs-'));
    store = new ContentStore(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const blobFiles = () => fs.readdirSync(path.join(dir, 'blobs/sha256'));
  const ingestFiles = () => fs.readdirSync(path.join(dir, 'ingest'));

  it('stores a streamed blob under its digest and reads it back verified', async () => {
    const data = Buffer.from('hello world\n'.repeat(10000));
    const d = sha256Digest(data);
    const r = await store.ingest(Readable.from([data.subarray(0, 5000), data.subarray(5000)]), { digest: d, size: data.length });
    assert.equal(r.digest, d);
    assert.equal(r.size, data.length);
    assert.deepEqual(await store.readBuffer(d), data);
    assert.equal(await store.verify(d), true);
    assert.deepEqual(ingestFiles(), []);
  });

  it('refuses a digest mismatch and leaves no file under any digest', async () => {
    const wrong = sha256Digest('other');
    await assert.rejects(store.ingest([Buffer.from('content')], { digest: wrong }), DigestMismatchError);
    assert.deepEqual(blobFiles(), []);
    assert.deepEqual(ingestFiles(), []);
  });

  it('refuses too many and too few bytes', async () => {
    const data = Buffer.from('0123456789');
    await assert.rejects(store.ingest([data], { digest: sha256Digest(data), size: 5 }), SizeMismatchError);
    await assert.rejects(store.ingest([data], { digest: sha256Digest(data), size: 11 }), SizeMismatchError);
    assert.deepEqual(blobFiles(), []);
  });

  it('an aborted stream leaves nothing behind', async () => {
    async function* broken() {
      yield Buffer.from('partial');
      throw new Error('connection reset');
    }
    await assert.rejects(store.ingest(broken(), { digest: sha256Digest('partial and more'), size: 16 }), /connection reset/);
    assert.deepEqual(blobFiles(), []);
    assert.deepEqual(ingestFiles(), []);
  });

  it('ingestFrom resumes at the written offset, or restarts when the source cannot resume', async () => {
    const data = Buffer.from('0123456789abcdefghij');
    const d = sha256Digest(data);
    async function* broken(from: number) {
      yield data.subarray(from, from + 5);
      throw new Error('ECONNRESET');
    }
    const offsets: number[] = [];
    const r = await store.ingestFrom(async (offset) => {
      offsets.push(offset);
      return offsets.length === 1 ? { stream: broken(0), start: 0 } : { stream: [data.subarray(offset)], start: offset };
    }, { digest: d, size: data.length, retry: async () => true });
    assert.equal(r.digest, d);
    assert.deepEqual(offsets, [0, 5]);
    const offsets2: number[] = [];
    const r2 = await store.ingestFrom(async (offset) => {
      offsets2.push(offset);
      return offsets2.length === 1 ? broken(0) : [data];
    }, { digest: d, size: data.length, layer: true, retry: async (_e, attempt) => attempt < 3 });
    assert.equal(r2.digest, d);
    assert.equal(r2.diffId, d);
    assert.deepEqual(offsets2, [0, 5]);
    await assert.rejects(store.ingestFrom(async (o) => broken(o), { digest: d, retry: async (_e, attempt) => attempt < 2 }), /ECONNRESET/);
    assert.deepEqual(ingestFiles(), []);
  });

  it('detects a corrupted blob on read and verify', async () => {
    const { digest } = await store.put('{"a":1}');
    fs.writeFileSync(store.blobPath(digest), '{"a":2}');
    assert.equal(await store.verify(digest), false);
    await assert.rejects(store.readBuffer(digest), DigestMismatchError);
    const chunks: Buffer[] = [];
    await assert.rejects(async () => { for await (const c of store.read(digest, { verify: true })) chunks.push(c); }, DigestMismatchError);
  });

  it('validates digests before building paths', () => {
    assert.throws(() => store.blobPath('sha256:../../etc/passwd'), /invalid digest/);
    assert.throws(() => store.blobPath(`sha512:${'a'.repeat(64)}`), /invalid digest/);
  });

  it('computes the diffID of a gzip layer in the same pass', async () => {
    const raw = Buffer.alloc(300000, 7);
    const gz = zlib.gzipSync(raw);
    const r = await store.ingest([gz.subarray(0, 100), gz.subarray(100)], { digest: sha256Digest(gz), layer: true });
    assert.equal(r.diffId, sha256Digest(raw));
    assert.equal(r.uncompressedSize, raw.length);
    assert.deepEqual(await store.layerInfo(r.digest), { diffId: sha256Digest(raw), uncompressedSize: raw.length });
    const plain = await store.put(raw);
    assert.equal((await store.layerInfo(plain.digest)).diffId, plain.digest);
  });

  it('shares one transfer between concurrent fetches of the same digest', async () => {
    const data = Buffer.alloc(1 << 20, 1);
    const d = sha256Digest(data);
    let opened = 0;
    const open = async () => {
      opened++;
      await new Promise((r) => setTimeout(r, 20));
      return Readable.from([data]);
    };
    const rs = await Promise.all([store.fetch({ digest: d, size: data.length }, open), store.fetch({ digest: d, size: data.length }, open)]);
    assert.equal(opened, 1);
    assert.equal(rs.filter((r) => r.existed).length, 1);
    const again = await store.fetch({ digest: d, size: data.length }, open);
    assert.equal(again.existed, true);
    assert.equal(opened, 1);
  });
});
