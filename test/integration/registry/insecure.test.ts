// --insecure-registry for a host that is not loopback: like Docker, https is tried first and, when
// the registry does not speak TLS, the client falls back to plain http; a registry not listed as
// insecure is never spoken to in plain text. The real docker-registry (plain HTTP) is reached
// through this machine's non-loopback address by a small TCP forwarder (the harness registry
// listens on 127.0.0.1 only, and loopback is always plain http).
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as os from 'node:os';
import { openImageStore, type ImageStore } from '../../../engine/image';
import { pull, RegistryClient, RegistryError } from '../../../engine/registry';
import { pushBusyboxImage } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { removeDir, tempDir } from '../../harness/services';

function nonLoopbackIpv4(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error('this machine has no non-loopback IPv4 address: the insecure-registry fallback cannot be tested');
}

/** Listens on `ip:<free port>` and pipes every connection to `target` (`host:port`). */
async function forward(ip: string, target: string): Promise<{ host: string; close: () => Promise<void> }> {
  const [thost, tport] = target.split(':');
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((client) => {
    const upstream = net.connect(Number(tport), thost);
    for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)); s.on('error', () => {}); }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => srv.listen(0, ip, () => r()));
  return {
    host: `${ip}:${(srv.address() as net.AddressInfo).port}`,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); srv.close(() => r()); }),
  };
}

describe('insecure registries: https first, then http', function () {
  this.timeout(60000);
  let reg: TestRegistry;
  let fwd: { host: string; close: () => Promise<void> };
  let dir: string;
  let store: ImageStore;
  before(async () => {
    reg = await startRegistry();
    await pushBusyboxImage(reg.host, 'team/busybox', 'v1');
    fwd = await forward(nonLoopbackIpv4(), reg.host);
  });
  after(async () => {
    await fwd?.close();
    await reg?.stop();
  });
  beforeEach(() => {
    dir = tempDir('s-insecure');
    store = openImageStore(dir);
  });
  afterEach(() => removeDir(dir));

  it('pulls from a plain-http registry listed as insecure after https fails', async () => {
    const client = new RegistryClient(fwd.host, { insecureRegistries: [fwd.host] });
    assert.equal(client.baseUrl, `https://${fwd.host}`);
    await client.ping();
    assert.equal(client.baseUrl, `http://${fwd.host}`, 'the client fell back to http');
    const r = await pull(`${fwd.host}/team/busybox:v1`, store, { insecureRegistries: [fwd.host], dockerConfigDir: false });
    assert.deepEqual((await store.inspect(`${fwd.host}/team/busybox:v1`)).id, r.id);
  });

  it('never falls back to http for a registry that is not listed as insecure', async () => {
    await assert.rejects(
      pull(`${fwd.host}/team/busybox:v1`, store, { dockerConfigDir: false, attempts: 1 }),
      (e: unknown) => e instanceof RegistryError && e.kind === 'unreachable' && e.message.includes(`https://${fwd.host}`),
    );
    assert.deepEqual(await store.list(), []);
  });
});
