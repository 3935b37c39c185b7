// The client's HTTP behaviour against small local HTTP servers that play the parts no real service
// here can (a bearer-token registry, a hostile challenge, a flaky registry): token scopes and
// caching, realm refusal without leaking credentials, retries, redirects without Authorization.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryClient, RegistryError, registryEndpointHost } from '../../../engine/registry';

interface Seen { url: string; auth?: string; host: string }

async function serve(host: string, handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ port: number; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const srv = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization, host });
    handler(req, res);
  });
  await new Promise<void>((r) => srv.listen(0, host, () => r()));
  return { port: (srv.address() as AddressInfo).port, seen, close: () => new Promise<void>((r) => { srv.closeAllConnections(); srv.close(() => r()); }) };
}

describe('registry transport', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => { while (closers.length) await closers.pop()!(); });

  it('uses https for everything but loopback; Docker Hub goes to registry-1.docker.io', () => {
    assert.equal(new RegistryClient('docker.io').baseUrl, 'https://registry-1.docker.io');
    assert.equal(registryEndpointHost('index.docker.io'), 'registry-1.docker.io');
    assert.equal(new RegistryClient('ghcr.io').baseUrl, 'https://ghcr.io');
    assert.equal(new RegistryClient('localhost:5000').baseUrl, 'http://localhost:5000');
    assert.equal(new RegistryClient('127.0.0.5:80').baseUrl, 'http://127.0.0.5:80');
    // an insecure registry starts on https and falls back to http only if https fails (insecure.test.ts)
    assert.equal(new RegistryClient('reg.lan:5000', { insecureRegistries: ['reg.lan:5000'] }).baseUrl, 'https://reg.lan:5000');
    assert.equal(new RegistryClient('reg.lan:5000', { insecureRegistries: ['other:5000'] }).baseUrl, 'https://reg.lan:5000');
  });

  it('bearer flow: asks the realm for the exact scopes with basic credentials, caches the token', async () => {
    let issued = 0;
    const tokens = await serve('127.0.0.1', (_req, res) => {
      issued++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ token: `tok-${issued}`, expires_in: 300 }));
    });
    closers.push(tokens.close);
    const registry = await serve('127.0.0.1', (req, res) => {
      if (req.headers.authorization?.startsWith('Bearer tok-')) { res.end('{}'); return; }
      res.statusCode = 401;
      res.setHeader('www-authenticate', `Bearer realm="http://127.0.0.1:${tokens.port}/token",service="test-registry"`);
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    });
    closers.push(registry.close);
    const c = new RegistryClient(`127.0.0.1:${registry.port}`, { auth: { username: 'u', password: 'p' } });
    const scope = RegistryClient.scope('team/app', ['pull', 'push']);
    await (await c.request('/v2/team/app/tags/list', { scopes: [scope] })).text();
    await (await c.request('/v2/team/app/tags/list', { scopes: [scope] })).text();
    assert.equal(issued, 1, 'the token is cached');
    const t = new URL(tokens.seen[0].url, 'http://x');
    assert.equal(t.searchParams.get('service'), 'test-registry');
    assert.deepEqual(t.searchParams.getAll('scope'), ['repository:team/app:pull,push']);
    assert.equal(tokens.seen[0].auth, `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.deepEqual(registry.seen.map((s) => s.auth), [undefined, 'Bearer tok-1', 'Bearer tok-1']);
    // a different scope needs a new token
    await (await c.request('/v2/other/tags/list', { scopes: [RegistryClient.scope('other', ['pull'])] })).text();
    assert.equal(issued, 2);
    // anonymous (Docker Hub style): the token is requested without credentials
    const anon = new RegistryClient(`127.0.0.1:${registry.port}`);
    await (await anon.request('/v2/library/busybox/manifests/latest', { scopes: [RegistryClient.scope('library/busybox', ['pull'])] })).text();
    assert.equal(tokens.seen.at(-1)!.auth, undefined);
    assert.deepEqual(new URL(tokens.seen.at(-1)!.url, 'http://x').searchParams.getAll('scope'), ['repository:library/busybox:pull']);
  });

  it('never sends credentials to a realm on another loopback address (http) or a private IP', async () => {
    const attacker = await serve('127.0.0.2', (_req, res) => res.end('{"token":"x"}'));
    closers.push(attacker.close);
    for (const realm of [`http://127.0.0.2:${attacker.port}/steal`, 'https://10.11.12.13/steal', 'https://169.254.169.254/latest']) {
      const registry = await serve('127.0.0.1', (_req, res) => {
        res.statusCode = 401;
        res.setHeader('www-authenticate', `Bearer realm="${realm}",service="x"`);
        res.end();
      });
      closers.push(registry.close);
      const c = new RegistryClient(`127.0.0.1:${registry.port}`, { auth: { username: 'victim', password: 'secret' } });
      await assert.rejects(c.request('/v2/x/manifests/latest', { scopes: ['repository:x:pull'] }), (e: RegistryError) => e.kind === 'invalid' && /refusing token realm/.test(e.message));
      assert.ok(registry.seen.every((s) => s.auth === undefined));
    }
    assert.deepEqual(attacker.seen, []);
  });

  it('retries 5xx with backoff (bounded) and reports a clear error in the end', async () => {
    let n = 0;
    const registry = await serve('127.0.0.1', (_req, res) => {
      n++;
      if (n <= 2) { res.statusCode = 503; res.end(); return; }
      res.end('ok');
    });
    closers.push(registry.close);
    const c = new RegistryClient(`127.0.0.1:${registry.port}`, { attempts: 3 });
    assert.equal(await (await c.request('/v2/', { scopes: [] })).text(), 'ok');
    assert.equal(n, 3);
    n = -10;
    await assert.rejects(c.request('/v2/', { scopes: [], what: 'ping' }), (e: RegistryError) => e.kind === 'server' && e.status === 503);
  });

  it('maps 403, 404 and 429 TOOMANYREQUESTS to clear errors', async () => {
    const registry = await serve('127.0.0.1', (req, res) => {
      const code = Number(req.url!.split('/').pop());
      res.statusCode = code;
      res.end(JSON.stringify({ errors: [{ code: code === 429 ? 'TOOMANYREQUESTS' : code === 403 ? 'DENIED' : 'MANIFEST_UNKNOWN', message: `m${code}` }] }));
    });
    closers.push(registry.close);
    const c = new RegistryClient(`127.0.0.1:${registry.port}`, { attempts: 1 });
    await assert.rejects(c.request('/v2/403', { scopes: [], what: 'x' }), { kind: 'denied', message: 'x: denied: m403' });
    await assert.rejects(c.request('/v2/404', { scopes: [], what: 'x' }), { kind: 'notFound', message: 'x: manifest_unknown: m404' });
    await assert.rejects(c.request('/v2/429', { scopes: [], what: 'x' }), { kind: 'tooManyRequests', message: 'x: toomanyrequests: m429' });
  });

  it('follows a blob redirect to another origin without the Authorization header', async () => {
    const storage = await serve('127.0.0.3', (_req, res) => res.end('blob-bytes'));
    closers.push(storage.close);
    const registry = await serve('127.0.0.1', (req, res) => {
      if (!req.headers.authorization) {
        res.statusCode = 401;
        res.setHeader('www-authenticate', 'Basic realm="r"');
        res.end();
        return;
      }
      res.statusCode = 307;
      res.setHeader('location', `http://127.0.0.3:${storage.port}/bucket/blob`);
      res.end();
    });
    closers.push(registry.close);
    const c = new RegistryClient(`127.0.0.1:${registry.port}`, { auth: { username: 'u', password: 'p' } });
    assert.equal(await (await c.request('/v2/x/blobs/sha256:abc', { scopes: [] })).text(), 'blob-bytes');
    assert.equal(storage.seen.length, 1);
    assert.equal(storage.seen[0].auth, undefined);
  });
});
