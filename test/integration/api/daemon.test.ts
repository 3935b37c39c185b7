// The daemon process: socket permissions, one daemon per data root, clean SIGTERM stop, raw HTTP errors,
// and the docker CLI's version/info against it.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { startEngine, type TestEngine } from '../../harness/engine';
import { removeDir, tempDir, waitFor } from '../../harness/services';

const engineJs = path.resolve(__dirname, '../../../dist/engine.js');

/** One raw HTTP/1.1 exchange over the unix socket; returns what the daemon wrote. */
function rawUnix(socketPath: string, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath, () => sock.write(request));
    let out = '';
    sock.on('data', (d) => { out += d.toString('utf8'); if (/\r\n\r\n[\s\S]*\}$/.test(out)) sock.end(); });
    sock.on('error', reject);
    sock.on('close', () => resolve(out));
    setTimeout(() => sock.destroy(), 3000);
  });
}

function request(socketPath: string, method: string, p: string, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path: p, headers: body ? { 'Content-Type': 'application/json' } : {} }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('engine daemon', function () {
  this.timeout(120000);
  let engine: TestEngine;

  before(async () => { engine = await startEngine(); });
  after(async () => { await engine?.stop(); });

  it('creates the socket 0600 in a directory only its user can enter (0700)', () => {
    const sock = fs.statSync(engine.socketPath);
    assert.ok(sock.isSocket());
    assert.equal(sock.mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(engine.socketPath)).mode & 0o777, 0o700);
  });

  it('is driven by the docker CLI: version and info', async () => {
    const v = JSON.parse((await engine.docker(['version', '--format', '{{json .Server}}'])).stdout);
    assert.equal(v.ApiVersion, '1.43');
    assert.equal(v.Os, 'linux');
    const info = JSON.parse((await engine.docker(['info', '--format', '{{json .}}'])).stdout);
    assert.equal(info.DockerRootDir, engine.dataRoot);
    assert.equal(info.OSType, 'linux');
    assert.equal(typeof info.Images, 'number');
  });

  it('answers /_ping GET and HEAD with the negotiation headers', async () => {
    const get = await request(engine.socketPath, 'GET', '/_ping');
    assert.equal(get.body, 'OK');
    const head = await request(engine.socketPath, 'HEAD', '/_ping');
    for (const r of [get, head]) {
      assert.equal(r.status, 200);
      assert.ok(Number(r.headers['api-version']) >= 1.41);
      assert.equal(r.headers['builder-version'], '1');
      assert.equal(r.headers['ostype'], 'linux');
      assert.equal(r.headers['docker-experimental'], 'false');
    }
  });

  it('answers unknown routes with 404 JSON and malformed requests with 400 JSON', async () => {
    const nf = await request(engine.socketPath, 'GET', '/v1.43/no/such/route');
    assert.equal(nf.status, 404);
    assert.deepEqual(JSON.parse(nf.body), { message: 'page not found' });
    const badJson = await request(engine.socketPath, 'POST', '/auth', '{"username": ');
    assert.equal(badJson.status, 400);
    assert.match(JSON.parse(badJson.body).message, /malformed JSON/);
    const badFilters = await request(engine.socketPath, 'GET', '/images/json?filters=%5Bx');
    assert.equal(badFilters.status, 400);
    assert.match(JSON.parse(badFilters.body).message, /invalid filter/);
    const session = await request(engine.socketPath, 'POST', '/session');
    assert.equal(session.status, 501);
    assert.match(JSON.parse(session.body).message, /DOCKER_BUILDKIT=0/);
    const garbage = await rawUnix(engine.socketPath, 'NOT HTTP AT ALL\r\n\r\n');
    assert.match(garbage, /^HTTP\/1.1 400/);
    assert.match(garbage, /"message":/);
  });

  it('refuses a second daemon on the same data root with a clear message', () => {
    const r = spawnSync(process.execPath, [engineJs, '-H', `unix://${engine.socketPath}.2`, '--data-root', engine.dataRoot], { encoding: 'utf8', timeout: 20000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /another dockwright engine \(pid \d+\) is already running with data root/);
    assert.ok(!fs.existsSync(`${engine.socketPath}.2`));
  });

  it('stops cleanly on SIGTERM (socket and lock removed) and takes over a stale lock after kill -9', async () => {
    const r = await engine.terminate();
    assert.equal(r.code, 0);
    assert.ok(!fs.existsSync(engine.socketPath), 'socket removed');
    assert.ok(!fs.existsSync(path.join(engine.dataRoot, 'engine.pid')), 'lock removed');
    await engine.restart();
    await engine.kill9();
    assert.ok(fs.existsSync(path.join(engine.dataRoot, 'engine.pid')), 'stale lock left behind by kill -9');
    await engine.restart();
    assert.equal((await engine.docker(['version', '--format', '{{.Server.APIVersion}}'])).stdout.trim(), '1.43');
  });
});

describe('engine daemon options', function () {
  this.timeout(120000);
  const started: TestEngine[] = [];
  after(async () => { for (const e of started) await e.stop(); });

  it('runs as a non-root user with its socket and data root owned by that user', async () => {
    const engine = await startEngine({ asUser: 'dwengine' });
    started.push(engine);
    const uid = Number(spawnSync('id', ['-u', 'dwengine'], { encoding: 'utf8' }).stdout.trim());
    assert.ok(uid > 0);
    const sock = fs.statSync(engine.socketPath);
    assert.equal(sock.uid, uid);
    assert.equal(sock.mode & 0o777, 0o600);
    assert.equal(fs.statSync(engine.dataRoot).uid, uid);
    const info = JSON.parse((await engine.docker(['info', '--format', '{{json .SecurityOptions}}'])).stdout);
    assert.ok(info.includes('name=rootless'));
  });

  it('never re-modes a shared existing directory (like /run) that holds the socket', async () => {
    const shared = tempDir('shared-run');
    try {
      fs.chmodSync(shared, 0o755);
      fs.writeFileSync(path.join(shared, 'someone-else.pid'), '1\n');
      const engine = await startEngine({ extraArgs: ['-H', `unix://${shared}/engine.sock`] });
      started.push(engine);
      await waitFor('the second listener', () => engine.logs().includes(`API listen on ${shared}/engine.sock`));
      assert.equal(fs.statSync(shared).mode & 0o777, 0o755);
      assert.equal(fs.statSync(path.join(shared, 'engine.sock')).mode & 0o777, 0o600);
      assert.match(engine.logs(), /is shared with other users/);
      await engine.terminate();
      assert.ok(!fs.existsSync(path.join(shared, 'engine.sock')));
    } finally {
      removeDir(shared);
    }
  });

  it('with --group makes the socket 0660 for that group, and listens on tcp too; SIGINT stops it', async () => {
    spawnSync('sh', ['-c', 'getent group dwsock >/dev/null || groupadd dwsock']);
    const gid = Number(spawnSync('getent', ['group', 'dwsock'], { encoding: 'utf8' }).stdout.split(':')[2]);
    const engine = await startEngine({ extraArgs: ['--group', 'dwsock', '-H', 'tcp://127.0.0.1:0'] });
    started.push(engine);
    // the harness passes its own -H first; a second -H adds a listener
    const sock = fs.statSync(engine.socketPath);
    assert.equal(sock.mode & 0o777, 0o660);
    assert.equal(sock.gid, gid);
    assert.equal(fs.statSync(path.dirname(engine.socketPath)).mode & 0o777, 0o750);
    const tcp = await waitFor('the tcp listener', () => /API listen on (127\.0\.0\.1:\d+)/.exec(engine.logs())?.[1]);
    const res = await fetch(`http://${tcp}/v1.41/version`);
    assert.equal(((await res.json()) as { ApiVersion: string }).ApiVersion, '1.43');
    process.kill(engine.process.pid!, 'SIGINT');
    const code = await new Promise((r) => engine.process.once('exit', (c) => r(c)));
    assert.equal(code, 0);
    assert.ok(!fs.existsSync(engine.socketPath));
  });
});
