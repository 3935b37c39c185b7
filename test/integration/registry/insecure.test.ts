// --insecure-registry for a host that is not loopback: like Docker, https is tried first (without
// certificate checks) and, when the registry does not speak TLS, the client falls back to plain
// http; a registry not listed as insecure is never spoken to in plain text nor with an untrusted
// certificate. Loopback is always plain http, so both registries run on a test host of our own (a
// network namespace, test/harness/netns.ts): one plain http, one https with a self-signed certificate.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { openImageStore, type ImageStore } from '../../../engine/image';
import { pull, push, RegistryClient, RegistryError } from '../../../engine/registry';
import { pushBusyboxImage } from '../../harness/images';
import { createTestHost, type TestHost } from '../../harness/netns';
import { freePort, removeDir, requireBinary, spawnService, stopService, tail, tempDir, waitFor } from '../../harness/services';

/**
 * docker-registry inside the test host's namespace on `ip:<port>`, plain http or https with a fresh
 * self-signed certificate.
 */
async function startHostRegistry(host: TestHost, tls: boolean): Promise<{ host: string; stop: () => Promise<void> }> {
  const dir = tempDir(tls ? 'tls-registry' : 'ns-registry');
  const port = await freePort();
  const ip = host.ip;
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  if (tls) {
    execFileSync(requireBinary('openssl'), ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
      '-subj', '/CN=dockwright-test', '-addext', `subjectAltName=IP:${ip}`], { stdio: 'ignore' });
  }
  fs.writeFileSync(path.join(dir, 'config.yml'), [
    'version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${path.join(dir, 'data')}`,
    'http:', `  addr: ${ip}:${port}`, ...(tls ? ['  tls:', `    certificate: ${cert}`, `    key: ${key}`] : []), '',
  ].join('\n'));
  const log = path.join(dir, 'registry.log');
  const [cmd, ...pre] = host.exec;
  const child = spawnService(cmd, [...pre, requireBinary('docker-registry'), 'serve', path.join(dir, 'config.yml')], log);
  const stop = async () => { await stopService(child); removeDir(dir); };
  try {
    await waitFor(`docker-registry (${tls ? 'https' : 'http'}) on ${ip}:${port}`, () => new Promise<boolean>((resolve) => {
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
  let testHost: TestHost;
  let fwd: { host: string; stop: () => Promise<void> };
  let tls: { host: string; stop: () => Promise<void> };
  let dir: string;
  let store: ImageStore;
  before(async () => {
    testHost = createTestHost();
    fwd = await startHostRegistry(testHost, false);
    await pushBusyboxImage(fwd.host, 'team/busybox', 'v1');
    tls = await startHostRegistry(testHost, true);
  });
  after(async () => {
    await tls?.stop();
    await fwd?.stop();
    testHost?.destroy();
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
