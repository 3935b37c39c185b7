// --insecure-registry for a host that is not loopback: like Docker, https is tried first (without
// certificate checks) and, when the registry does not speak TLS, the client falls back to plain
// http; a registry not listed as insecure is never spoken to in plain text nor with an untrusted
// certificate. The plain-HTTP docker-registry of the harness is reached through this machine's
// non-loopback address by a small TCP forwarder (it listens on 127.0.0.1 only, and loopback is
// always plain http); a second docker-registry serves TLS with a self-signed certificate.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { openImageStore, type ImageStore } from '../../../engine/image';
import { pull, push, RegistryClient, RegistryError } from '../../../engine/registry';
import { pushBusyboxImage } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { freePort, removeDir, requireBinary, spawnService, stopService, tail, tempDir, waitFor } from '../../harness/services';

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

/** docker-registry serving https on `ip:<free port>` with a fresh self-signed certificate. */
async function startTlsRegistry(ip: string): Promise<{ host: string; stop: () => Promise<void> }> {
  const dir = tempDir('tls-registry');
  const port = await freePort();
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(requireBinary('openssl'), ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=dockwright-test', '-addext', `subjectAltName=IP:${ip}`], { stdio: 'ignore' });
  fs.writeFileSync(path.join(dir, 'config.yml'), [
    'version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${path.join(dir, 'data')}`,
    'http:', `  addr: ${ip}:${port}`, '  tls:', `    certificate: ${cert}`, `    key: ${key}`, '',
  ].join('\n'));
  const log = path.join(dir, 'registry.log');
  const child = spawnService(requireBinary('docker-registry'), ['serve', path.join(dir, 'config.yml')], log);
  const stop = async () => { await stopService(child); removeDir(dir); };
  try {
    await waitFor(`docker-registry (TLS) on ${ip}:${port}`, () => new Promise<boolean>((resolve) => {
      if (child.exitCode !== null) throw new Error(`docker-registry exited: ${tail(log)}`);
      const s = net.connect(port, ip, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    }));
  } catch (e) {
    await stop();
    throw e;
  }
  return { host: `${ip}:${port}`, stop };
}

describe('insecure registries: https first, then http', function () {
  this.timeout(60000);
  let reg: TestRegistry;
  let fwd: { host: string; close: () => Promise<void> };
  let tls: { host: string; stop: () => Promise<void> };
  let dir: string;
  let store: ImageStore;
  before(async () => {
    reg = await startRegistry();
    await pushBusyboxImage(reg.host, 'team/busybox', 'v1');
    fwd = await forward(nonLoopbackIpv4(), reg.host);
    tls = await startTlsRegistry(nonLoopbackIpv4());
  });
  after(async () => {
    await tls?.stop();
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

  it('speaks https without certificate checks to an insecure registry with a self-signed certificate', async () => {
    const src = await pull(`${fwd.host}/team/busybox:v1`, store, { insecureRegistries: [fwd.host], dockerConfigDir: false });
    await store.tag(src.id, `${tls.host}/team/busybox:v1`);
    const pushed = await push(`${tls.host}/team/busybox:v1`, store, { insecureRegistries: [tls.host], dockerConfigDir: false });
    const client = new RegistryClient(tls.host, { insecureRegistries: [tls.host] });
    await client.ping();
    assert.equal(client.baseUrl, `https://${tls.host}`, 'https works, so the client stays on it');
    await store.delete(src.id, { force: true });
    const back = await pull(`${tls.host}/team/busybox:v1`, store, { insecureRegistries: [tls.host], dockerConfigDir: false });
    assert.equal(back.id, src.id);
    assert.equal(back.digest, pushed.digest);
    // not listed as insecure: the self-signed certificate is refused
    await assert.rejects(
      pull(`${tls.host}/team/busybox:v1`, openImageStore(path.join(dir, 'other')), { dockerConfigDir: false, attempts: 1 }),
      (e: unknown) => e instanceof RegistryError && e.kind === 'unreachable' && /certificate/i.test(e.message),
    );
  });
});
