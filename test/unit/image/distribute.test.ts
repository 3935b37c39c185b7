// The manifest a push sends: uncompressed local layers gzipped once, verified, remembered; the image
// ID (config) unchanged; already-compressed manifests used as they are.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { distributableManifest, gzippedLayer, ImageStore, MediaTypes, type ImageConfig, type ImageManifest } from '../../../engine/image';

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A one-file tar (enough bytes for gzip to matter). */
function tarOf(content: string): Buffer {
  const header = Buffer.alloc(512);
  header.write('file.txt', 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${Buffer.byteLength(content).toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('0', 156);
  header.write('ustar\x0000', 257);
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const body = Buffer.alloc(Math.ceil(Buffer.byteLength(content) / 512) * 512);
  body.write(content);
  return Buffer.concat([header, body, Buffer.alloc(1024)]);
}

describe('image: distributable manifest (gzip on push)', () => {
  let dir: string;
  let store: ImageStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-dist-'));
    store = new ImageStore(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function uncompressedImage(contents: string[]) {
    const layers = [];
    for (const c of contents) {
      const t = tarOf(c);
      const r = await store.content.put(t);
      layers.push({ mediaType: MediaTypes.ociLayer, digest: r.digest, size: r.size });
    }
    const config: ImageConfig = {
      architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) }, history: [],
    };
    return store.putImage(config, layers);
  }

  it('gzips each uncompressed layer into a verified blob whose diffID is the tar, and adds the manifest to the record', async () => {
    const rec = await uncompressedImage(['one '.repeat(500), 'two '.repeat(500)]);
    const before = (await store.manifest(rec)).manifest;
    const { descriptor, manifest } = await distributableManifest(store, rec);
    assert.equal(manifest.config.digest, rec.id, 'same config: same image ID');
    assert.equal(manifest.layers.length, 2);
    for (const [i, l] of manifest.layers.entries()) {
      assert.equal(l.mediaType, MediaTypes.ociLayerGzip);
      const blob = await store.content.readBuffer(l.digest);
      assert.equal(l.size, blob.length);
      assert.equal(sha(zlib.gunzipSync(blob)), before.layers[i].digest, 'inflates to the stored tar');
      assert.equal((await store.content.layerInfo(l.digest)).diffId, before.layers[i].digest);
    }
    const stored = await store.content.readJson<ImageManifest>(descriptor.digest);
    assert.deepEqual(stored, manifest);
    const after = (await store.record(rec.id))!;
    assert.deepEqual(after.manifests.map((m) => m.digest), [rec.manifests[0].digest, descriptor.digest]);
    assert.equal((await store.manifest(after)).descriptor.digest, rec.manifests[0].digest, 'local use keeps the uncompressed manifest');
    // a second push reuses it; the gzip of a layer is remembered
    assert.equal((await distributableManifest(store, after)).descriptor.digest, descriptor.digest);
    assert.deepEqual(await gzippedLayer(store.content, before.layers[0].digest), { digest: manifest.layers[0].digest, size: manifest.layers[0].size });
  });

  it('a corrupted uncompressed blob fails instead of being compressed', async () => {
    const rec = await uncompressedImage(['corrupt me '.repeat(100)]);
    const layer = (await store.manifest(rec)).manifest.layers[0];
    const p = store.content.blobPath(layer.digest);
    const bytes = fs.readFileSync(p);
    bytes[600] ^= 0xff;
    fs.writeFileSync(p, bytes);
    await assert.rejects(distributableManifest(store, rec), /corrupted/);
    assert.equal((await store.record(rec.id))!.manifests.length, 1);
  });

  it('an image whose layers are already compressed is pushed with its own manifest', async () => {
    const raw = tarOf('pulled');
    const gz = await store.content.ingest([zlib.gzipSync(raw)], { layer: true });
    const config: ImageConfig = { architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [gz.diffId!] }, history: [] };
    const rec = await store.putImage(config, [{ mediaType: MediaTypes.ociLayerGzip, digest: gz.digest, size: gz.size }]);
    const { descriptor } = await distributableManifest(store, rec);
    assert.equal(descriptor.digest, rec.manifests[0].digest);
    assert.equal((await store.record(rec.id))!.manifests.length, 1);
  });
});
