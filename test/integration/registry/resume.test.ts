// A connection that breaks in the middle of a layer: the pull resumes with a Range request against
// the real docker-registry (through a small proxy that cuts the first transfer) and verifies.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openImageStore } from '../../../engine/image';
import { pull } from '../../../engine/registry';
import { pushBusyboxImage, randomLayer } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { removeDir, tempDir } from '../../harness/services';

describe('resuming a broken layer download (real docker-registry behind a cutting proxy)', function () {
  this.timeout(120000);
  let reg: TestRegistry;
  let proxy: http.Server;
  let dir: string;
  const blobRequests: Array<{ range?: string; status?: number }> = [];
  before(async () => {
    reg = await startRegistry();
    await pushBusyboxImage(reg.host, 'resume', 'v1', { extraLayers: [await randomLayer('random.bin', 6 << 20)] });
    let cut = false;
    proxy = http.createServer((req, res) => {
      const isBigBlob = req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? '');
      const up = http.request({ host: '127.0.0.1', port: Number(reg.host.split(':')[1]), method: req.method, path: req.url, headers: { ...req.headers, host: reg.host } }, (upRes) => {
        const length = Number(upRes.headers['content-length'] ?? 0);
        if (isBigBlob) blobRequests.push({ range: req.headers.range, status: upRes.statusCode });
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (isBigBlob && !cut && length > (4 << 20)) {
          cut = true;
          let sent = 0;
          upRes.on('data', (c: Buffer) => {
            if (sent >= (1 << 20)) return;
            res.write(c);
            sent += c.length;
            if (sent >= (1 << 20)) { upRes.destroy(); res.socket?.destroy(); }
          });
          return;
        }
        upRes.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  });
  after(async () => {
    proxy?.closeAllConnections();
    await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
    await reg?.stop();
  });
  beforeEach(() => { dir = tempDir('s-resume'); });
  afterEach(() => removeDir(dir));

  it('continues from the bytes already written and verifies the digest', async () => {
    const host = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const store = openImageStore(dir);
    const r = await pull(`${host}/resume:v1`, store, { dockerConfigDir: false });
    const resumed = blobRequests.find((b) => b.range);
    assert.ok(resumed, `no Range request seen: ${JSON.stringify(blobRequests)}`);
    const from = Number(/^bytes=(\d+)-$/.exec(resumed.range!)?.[1]);
    assert.ok(from > 0 && from <= (1 << 20) + (64 << 10), `resumed from ${from}`);
    assert.equal(resumed.status, 206);
    for (const l of (await store.inspect(r.id)).layers) assert.equal(await store.content.verify(l.digest), true);
  });
});
