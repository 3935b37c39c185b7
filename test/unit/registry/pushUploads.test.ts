// Push against a registry that asks for chunked uploads (OCI-Chunk-Min-Length) or fails an upload
// once, which Debian's docker-registry never does: a small local server implements just the upload
// protocol.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ImageStore, parseDockerRef } from '../../../engine/image';
import { push } from '../../../engine/registry';

describe('push uploads: PATCH chunks when asked, retry after a transient failure', () => {
  let dir: string;
  let srv: http.Server;
  const blobs = new Map<string, Buffer>();
  const patches: Array<{ range: string; len: number }> = [];
  let manifest: { type?: string; body?: Buffer } = {};
  let failPuts = 0;
  let failedPuts = 0;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-chunk-'));
    const uploads = new Map<string, Buffer[]>();
    srv = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        const body = Buffer.concat(parts);
        let m: RegExpExecArray | null;
        if (req.method === 'HEAD' && (m = /\/blobs\/(sha256:[a-f0-9]+)$/.exec(url.pathname))) {
          res.statusCode = blobs.has(m[1]) ? 200 : 404;
        } else if (req.method === 'POST' && url.pathname.endsWith('/blobs/uploads/')) {
          const id = String(uploads.size + 1);
          uploads.set(id, []);
          res.statusCode = 202;
          res.setHeader('location', `/v2/app/blobs/uploads/${id}`);
          res.setHeader('oci-chunk-min-length', '1000');
        } else if (req.method === 'PATCH' && (m = /uploads\/(\d+)$/.exec(url.pathname))) {
          const have = Buffer.concat(uploads.get(m[1])!).length;
          const [start] = String(req.headers['content-range']).split('-').map(Number);
          patches.push({ range: String(req.headers['content-range']), len: body.length });
          if (start !== have) { res.statusCode = 416; res.end(); return; }
          uploads.get(m[1])!.push(body);
          res.statusCode = 202;
          res.setHeader('location', `/v2/app/blobs/uploads/${m[1]}`);
        } else if (req.method === 'PUT' && /uploads\/(\d+)$/.test(url.pathname) && failPuts > 0) {
          failPuts--;
          failedPuts++;
          res.statusCode = 500;
        } else if (req.method === 'PUT' && (m = /uploads\/(\d+)$/.exec(url.pathname))) {
          const data = Buffer.concat([...uploads.get(m[1])!, body]);
          const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
          if (digest !== url.searchParams.get('digest')) { res.statusCode = 400; res.end('{"errors":[{"code":"DIGEST_INVALID","message":"digest invalid"}]}'); return; }
          blobs.set(digest, data);
          res.statusCode = 201;
        } else if (req.method === 'PUT' && url.pathname.includes('/manifests/')) {
          manifest = { type: req.headers['content-type'], body };
          res.statusCode = 201;
          res.setHeader('docker-content-digest', `sha256:${createHash('sha256').update(body).digest('hex')}`);
        } else {
          res.statusCode = 404;
        }
        res.end();
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  });
  after(async () => {
    srv.closeAllConnections();
    await new Promise<void>((r) => srv.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('uploads each blob in PATCH chunks with Content-Range, then PUTs the manifest', async () => {
    const port = (srv.address() as AddressInfo).port;
    const store = new ImageStore(dir);
    const raw = Buffer.alloc(5000);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919) % 251;
    const layer = await store.content.ingest([zlib.gzipSync(raw, { level: 0 })], { layer: true });
    const rec = await store.putImage({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.diffId!] } },
      [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer.digest, size: layer.size }], { refs: [parseDockerRef(`127.0.0.1:${port}/app:c`)] });
    const r = await push(`127.0.0.1:${port}/app:c`, store, { dockerConfigDir: false, chunkSize: 2000 });
    assert.deepEqual(blobs.get(layer.digest), await store.content.readBuffer(layer.digest));
    assert.ok(blobs.has(rec.id));
    const layerPatches = patches.filter((p) => p.len === 2000 || p.range.startsWith('4000-'));
    assert.ok(layerPatches.length >= 3, JSON.stringify(patches));
    assert.equal(patches[0].range, '0-1999');
    assert.equal(manifest.type, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(`sha256:${createHash('sha256').update(manifest.body!).digest('hex')}`, r.digest);
  });

  it('pushes a blob again after a transient server error on its upload', async () => {
    const port = (srv.address() as AddressInfo).port;
    const store = new ImageStore(dir);
    const layer = await store.content.ingest([zlib.gzipSync(Buffer.from('retry me'.repeat(500)))], { layer: true });
    await store.putImage({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.diffId!] } },
      [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer.digest, size: layer.size }], { refs: [parseDockerRef(`127.0.0.1:${port}/app:r`)] });
    failPuts = 1;
    const statuses: string[] = [];
    await push(`127.0.0.1:${port}/app:r`, store, { dockerConfigDir: false, concurrency: 1 }, (m) => { if (m.status) statuses.push(m.status); });
    assert.equal(failedPuts, 1);
    assert.ok(statuses.includes('Retrying in 1 second'), statuses.join('|'));
    assert.deepEqual(blobs.get(layer.digest), await store.content.readBuffer(layer.digest));
  });
});
