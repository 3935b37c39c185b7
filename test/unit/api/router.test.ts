import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { createLogger, type Engine } from '../../../engine/api/daemon';
import { ApiError, statusOf } from '../../../engine/api/errors';
import { EventBus } from '../../../engine/api/events';
import { imageSummaryJson } from '../../../engine/api/routes/images';
import { DeferredJsonMessageWriter } from '../../../engine/api/streams';
import {
  badRequest, boolParam, JsonMessageWriter, parseFilters, parseStdcopy, Router, stdcopyFrame, stdcopyWriter, STDERR, STDOUT, versionAtLeast,
} from '../../../engine/api/router';

function testEngine(): Engine {
  return { dataRoot: '/nonexistent', log: createLogger('fatal'), events: new EventBus(), images: undefined as never, registry: { insecureRegistries: [], maxConcurrentDownloads: 3, maxConcurrentUploads: 5 }, runtime: 'auto' };
}

async function serve(router: Router): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer(router.handle);
  server.on('upgrade', router.handleUpgrade);
  server.on('clientError', router.handleClientError);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Raw HTTP/1.1 exchange: sends `request` and returns everything the server wrote until it closed. */
function raw(port: number, request: string, waitMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(request));
    let out = '';
    sock.on('data', (d) => { out += d.toString('latin1'); });
    sock.on('error', reject);
    sock.on('close', () => resolve(out));
    setTimeout(() => sock.destroy(), waitMs);
  });
}

describe('api router', () => {
  let srv: { port: number; close(): Promise<void> };
  const seen: Array<{ path: string; params: Record<string, string>; version: string }> = [];

  before(async () => {
    const router = new Router(testEngine());
    router
      .get('/images/json', (ctx) => ctx.send(200, { list: true }))
      .get('/images/{name:*}/json', (ctx) => { seen.push({ path: ctx.path, params: ctx.params, version: ctx.apiVersion }); ctx.send(200, { name: ctx.params.name }); })
      .delete('/images/{name:*}', (ctx) => ctx.send(200, { deleted: ctx.params.name, force: ctx.bool('force') }))
      .post('/containers/{id}/start', (ctx) => ctx.send(204))
      .post('/echo', async (ctx) => ctx.send(200, { got: await ctx.json(), filters: Object.fromEntries(ctx.filters()) }))
      .get('/fail', () => { throw badRequest('bad thing'); })
      .get('/crash', () => { throw new Error('boom'); })
      .get('/notfound-kind', () => { throw Object.assign(new Error('no such image: x'), { code: 'NOT_FOUND' }); })
      .get('/progress', (ctx) => {
        const w = new JsonMessageWriter(ctx.res);
        w.status('Pulling from library/busybox', 'latest');
        w.progress('abc', 'Downloading', 5, 10);
        w.error(new Error('digest mismatch'));
        w.end();
      })
      .get('/deferred/{mode}', (ctx) => {
        const out = new DeferredJsonMessageWriter(ctx.res, (m) => !m.status?.startsWith('Pulling from'));
        out.write({ status: 'Pulling from x' });
        if (ctx.params.mode === 'early') return out.fail(Object.assign(new Error('manifest unknown'), { kind: 'notFound' }));
        out.write({ status: 'Downloading', id: 'l1' });
        out.fail(new Error('connection reset'));
      })
      .post('/containers/{id}/attach', (ctx) => {
        const s = ctx.hijack({ multiplexed: true });
        s.write(stdcopyFrame(STDOUT, 'hello'));
        s.end();
      });
    srv = await serve(router);
  });
  after(() => srv.close());

  const url = (p: string) => `http://127.0.0.1:${srv.port}${p}`;

  it('routes versioned and unversioned paths alike', async () => {
    for (const p of ['/images/json', '/v1.41/images/json', '/v1.24/images/json']) {
      const res = await fetch(url(p));
      assert.equal(res.status, 200, p);
      assert.deepEqual(await res.json(), { list: true });
      assert.equal(res.headers.get('api-version'), '1.43');
    }
  });

  it('matches image names containing slashes, a registry port and a tag', async () => {
    const res = await fetch(url('/v1.41/images/localhost:5000/a/b:tag/json'));
    assert.deepEqual(await res.json(), { name: 'localhost:5000/a/b:tag' });
    assert.equal(seen.at(-1)!.version, '1.41');
    assert.equal(seen.at(-1)!.path, '/images/localhost:5000/a/b:tag/json');
    const del = await fetch(url('/images/localhost:5000/a/b:tag?force=1'), { method: 'DELETE' });
    assert.deepEqual(await del.json(), { deleted: 'localhost:5000/a/b:tag', force: true });
  });

  it('answers unknown routes and unknown methods with 404 JSON', async () => {
    for (const [method, p] of [['GET', '/nope'], ['GET', '/v1.43/nope/deeper'], ['PUT', '/images/json'], ['GET', '/containers/x/start']]) {
      const res = await fetch(url(p), { method });
      assert.equal(res.status, 404, `${method} ${p}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      assert.deepEqual(await res.json(), { message: 'page not found' });
    }
  });

  it('rejects malformed JSON bodies and filters with 400 JSON', async () => {
    let res = await fetch(url('/echo'), { method: 'POST', body: '{"a":', headers: { 'Content-Type': 'application/json' } });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { message: string }).message, /malformed JSON body/);
    res = await fetch(url('/echo?filters=%7Bnot-json'), { method: 'POST', body: '{}' });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { message: string }).message, /invalid filter/);
  });

  it('parses JSON bodies and both filter encodings', async () => {
    const f = encodeURIComponent(JSON.stringify({ dangling: ['true'], label: { 'a=b': true, c: false } }));
    const res = await fetch(url(`/echo?filters=${f}`), { method: 'POST', body: '{"x":1}' });
    assert.deepEqual(await res.json(), { got: { x: 1 }, filters: { dangling: ['true'], label: ['a=b'] } });
  });

  it('maps thrown errors to status codes with a JSON message', async () => {
    let res = await fetch(url('/fail'));
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { message: 'bad thing' });
    res = await fetch(url('/crash'));
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { message: 'boom' });
    res = await fetch(url('/notfound-kind'));
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { message: 'no such image: x' });
  });

  it('refuses API versions outside the supported range', async () => {
    let res = await fetch(url('/v1.99/images/json'));
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { message: string }).message, /client version 1.99 is too new/);
    res = await fetch(url('/v1.12/images/json'));
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { message: string }).message, /too old/);
  });

  it('answers a request line that is not HTTP with 400', async () => {
    const out = await raw(srv.port, 'GARBAGE\r\n\r\n');
    assert.match(out, /^HTTP\/1.1 400/);
    assert.match(out, /\{"message":"malformed HTTP request: [^"]+"\}/);
  });

  it('writes Docker JSON message streams', async () => {
    const res = await fetch(url('/progress'));
    assert.equal(res.status, 200);
    const lines = (await res.text()).trim().split(/\r?\n/).map((l) => JSON.parse(l));
    assert.deepEqual(lines, [
      { status: 'Pulling from library/busybox', id: 'latest' },
      { status: 'Downloading', id: 'abc', progressDetail: { current: 5, total: 10 } },
      { errorDetail: { message: 'digest mismatch' }, error: 'digest mismatch' },
    ]);
  });

  it('defers a progress stream: an early failure is an HTTP status, a late one an in-stream error', async () => {
    const early = await fetch(url('/deferred/early'));
    assert.equal(early.status, 404);
    assert.deepEqual(await early.json(), { message: 'manifest unknown' });
    const late = await fetch(url('/deferred/late'));
    assert.equal(late.status, 200);
    const lines = (await late.text()).trim().split(/\r?\n/).map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.status ?? l.error), ['Pulling from x', 'Downloading', 'connection reset']);
  });

  it('hijacks an Upgrade request with 101 UPGRADED and a raw multiplexed stream', async () => {
    const out = await raw(srv.port, 'POST /v1.43/containers/abc/attach?stream=1 HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n');
    const [head, body] = [out.slice(0, out.indexOf('\r\n\r\n')), Buffer.from(out.slice(out.indexOf('\r\n\r\n') + 4), 'latin1')];
    assert.match(head, /^HTTP\/1.1 101 UPGRADED/);
    assert.match(head, /Content-Type: application\/vnd.docker.multiplexed-stream/);
    assert.match(head, /Upgrade: tcp/);
    assert.deepEqual(parseStdcopy(body).frames.map((f) => [f.stream, f.payload.toString()]), [[1, 'hello']]);
  });

  it('uses the raw-stream content type for API versions before 1.42', async () => {
    const out = await raw(srv.port, 'POST /v1.41/containers/abc/attach HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    assert.match(out, /Content-Type: application\/vnd.docker.raw-stream/);
  });

  it('answers an Upgrade request for an unknown route with a plain 404 JSON response', async () => {
    const out = await raw(srv.port, 'POST /containers/abc/nothing HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    assert.match(out, /^HTTP\/1.1 404/);
    assert.match(out, /\{"message":"page not found"\}/);
  });
});

describe('api helpers', () => {
  it('frames stdcopy output with an 8-byte header', () => {
    const f = stdcopyFrame(STDERR, 'oops');
    assert.deepEqual([...f.subarray(0, 8)], [2, 0, 0, 0, 0, 0, 0, 4]);
    assert.equal(f.subarray(8).toString(), 'oops');
    const { frames, rest } = parseStdcopy(Buffer.concat([stdcopyFrame(STDOUT, 'a'), stdcopyFrame(STDERR, 'bc'), Buffer.from([1, 0, 0])]));
    assert.deepEqual(frames.map((x) => [x.stream, x.payload.toString()]), [[1, 'a'], [2, 'bc']]);
    assert.equal(rest.length, 3);
  });

  it('stdcopyWriter frames each write on the target', async () => {
    const chunks: Buffer[] = [];
    const target = new (await import('node:stream')).PassThrough();
    target.on('data', (c: Buffer) => chunks.push(c));
    const w = stdcopyWriter(target, STDOUT);
    await new Promise<void>((r) => w.write('xyz', () => r()));
    assert.deepEqual(parseStdcopy(Buffer.concat(chunks)).frames.map((f) => f.payload.toString()), ['xyz']);
  });

  it('maps error kinds from other engine modules to HTTP statuses', () => {
    assert.equal(statusOf(new ApiError(409, 'x')), 409);
    assert.equal(statusOf(Object.assign(new Error('x'), { kind: 'notFound' })), 404);
    assert.equal(statusOf(Object.assign(new Error('x'), { kind: 'invalidArgument' })), 400);
    assert.equal(statusOf(Object.assign(new Error('x'), { kind: 'conflict' })), 409);
    assert.equal(statusOf(Object.assign(new Error('x'), { name: 'InvalidReferenceError' })), 400);
    assert.equal(statusOf(Object.assign(new Error('x'), { status: 403 })), 403);
    assert.equal(statusOf(Object.assign(new Error('x'), { code: 'ENOENT' })), 500);
    assert.equal(statusOf('weird'), 500);
  });

  it('lists untagged images with <none> placeholders before API 1.44 only', () => {
    const s = { id: 'sha256:a', parentId: '', repoTags: [], repoDigests: [], created: 1, size: 2, labels: {} };
    assert.deepEqual(imageSummaryJson(s, '1.43').RepoTags, ['<none>:<none>']);
    assert.deepEqual(imageSummaryJson(s, '1.43').RepoDigests, ['<none>@<none>']);
    assert.deepEqual(imageSummaryJson(s, '1.44').RepoTags, []);
    assert.deepEqual(imageSummaryJson({ ...s, repoDigests: ['x@sha256:b'] }, '1.41').RepoTags, []);
  });

  it('compares API versions and Docker booleans', () => {
    assert.ok(versionAtLeast('1.43', '1.42'));
    assert.ok(versionAtLeast('1.42', '1.42'));
    assert.ok(!versionAtLeast('1.9', '1.24'));
    for (const v of [null, '', '0', 'false', 'no', 'none', 'FALSE']) assert.equal(boolParam(v), false, String(v));
    for (const v of ['1', 'true', 'yes', 'anything']) assert.equal(boolParam(v), true, v);
    assert.throws(() => parseFilters('[1]'), /invalid filter/);
    assert.deepEqual(parseFilters(null).size, 0);
  });
});
