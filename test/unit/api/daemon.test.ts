import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventBus } from '../../../engine/api/events';
import { defaultPaths, parseFlags } from '../../../engine/api/flags';
import { DataRootLockedError, lockDataRoot } from '../../../engine/api/lock';
import { eventMatches } from '../../../engine/api/routes/events';
import { globToRegExp, labelsMatch, parseTimestamp, referenceMatches } from '../../../engine/api/filters';
import { pullReference } from '../../../engine/api/routes/pull';

describe('daemon flags', () => {
  it('defaults to system paths as root and XDG paths otherwise', () => {
    assert.deepEqual(defaultPaths({}, 0), { host: 'unix:///run/dockwright/engine.sock', dataRoot: '/var/lib/dockwright' });
    assert.deepEqual(defaultPaths({ HOME: '/home/u', XDG_RUNTIME_DIR: '/run/user/1000' }, 1000),
      { host: 'unix:///run/user/1000/dockwright/engine.sock', dataRoot: '/home/u/.local/share/dockwright' });
    assert.equal(defaultPaths({ HOME: '/home/u', XDG_DATA_HOME: '/data' }, 1000).dataRoot, '/data/dockwright');
  });

  it('parses dockerd-style flags, repeated and with =', () => {
    const o = parseFlags(['-H', 'unix:///tmp/a.sock', '--host=tcp://127.0.0.1:0', '--data-root', '/d', '--insecure-registry', 'r1:5000',
      '--insecure-registry=r2', '--log-level', 'debug', '--runtime', 'crun', '--group', 'docker'], {}, 0);
    assert.notEqual(o, 'help');
    assert.deepEqual(o, { hosts: ['unix:///tmp/a.sock', 'tcp://127.0.0.1:0'], dataRoot: '/d', insecureRegistries: ['r1:5000', 'r2'], maxConcurrentDownloads: 3, maxConcurrentUploads: 5, logLevel: 'debug', runtime: 'crun', group: 'docker' });
    assert.equal(parseFlags(['--help'], {}, 0), 'help');
  });

  it('rejects bad values with a clear message', () => {
    assert.throws(() => parseFlags(['--runtime', 'lxc'], {}, 0), /invalid --runtime lxc/);
    assert.throws(() => parseFlags(['--log-level', 'loud'], {}, 0), /invalid --log-level/);
    assert.throws(() => parseFlags(['-H', 'http://x'], {}, 0), /invalid --host/);
    assert.throws(() => parseFlags(['--bogus'], {}, 0), /Unknown option/);
    assert.throws(() => parseFlags(['--max-concurrent-downloads', '0'], {}, 0), /invalid --max-concurrent-downloads 0/);
  });
});

describe('data root lock', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-lock-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses while the holder is alive and releases on unlock', () => {
    const release = lockDataRoot(dir);
    assert.equal(fs.readFileSync(path.join(dir, 'engine.pid'), 'utf8').trim(), String(process.pid));
    // a live foreign holder: our parent process
    fs.writeFileSync(path.join(dir, 'engine.pid'), `${process.ppid}\n`);
    assert.throws(() => lockDataRoot(dir), (e: Error) => e instanceof DataRootLockedError && new RegExp(`pid ${process.ppid}`).test(e.message));
    fs.writeFileSync(path.join(dir, 'engine.pid'), `${process.pid}\n`);
    release();
    assert.ok(!fs.existsSync(path.join(dir, 'engine.pid')));
  });

  it('takes over a stale lock whose process is gone', async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    fs.writeFileSync(path.join(dir, 'engine.pid'), `${child.pid}\n`);
    const release = lockDataRoot(dir);
    assert.equal(fs.readFileSync(path.join(dir, 'engine.pid'), 'utf8').trim(), String(process.pid));
    release();
  });
});

describe('filters', () => {
  it('matches references like Docker (path.Match on the familiar name)', () => {
    assert.ok(referenceMatches('busybox', 'docker.io/library/busybox:latest'));
    assert.ok(referenceMatches('busybox:lat*', 'busybox:latest'));
    assert.ok(referenceMatches('localhost:5000/*/app', 'localhost:5000/team/app:v1'));
    assert.ok(!referenceMatches('*', 'localhost:5000/team/app:v1'), '* does not cross /');
    assert.ok(!referenceMatches('busy', 'busybox:latest'));
    assert.ok(globToRegExp('a[!b]c').test('axc'));
    assert.ok(!globToRegExp('a[!b]c').test('abc'));
  });

  it('matches labels by key or key=value and parses timestamps', () => {
    assert.ok(labelsMatch(['a', 'b=2'], { a: '1', b: '2' }));
    assert.ok(!labelsMatch(['b=3'], { b: '2' }));
    assert.ok(labelsMatch(undefined, undefined));
    assert.equal(parseTimestamp('1700000000.5'), 1700000000500);
    assert.equal(parseTimestamp('10m', 1_000_000), 1_000_000 - 600_000);
    assert.equal(parseTimestamp('2024-01-01T00:00:00Z'), Date.UTC(2024, 0, 1));
    assert.throws(() => parseTimestamp('yesterday'), /invalid timestamp/);
  });

  it('filters events by type, action prefix, image and container', () => {
    const bus = new EventBus();
    const tag = bus.publish('image', 'tag', 'sha256:abc', { name: 'x:1' });
    const exec = bus.publish('container', 'exec_start: sh -c true', 'c0ffee', { name: 'web', image: 'x:1' });
    const f = (o: Record<string, string[]>) => new Map(Object.entries(o));
    assert.ok(eventMatches(tag, f({ type: ['image'], image: ['x:1'] })));
    assert.ok(!eventMatches(tag, f({ type: ['container'] })));
    assert.ok(eventMatches(exec, f({ event: ['exec_start'], container: ['web'] })));
    assert.ok(eventMatches(exec, f({ image: ['x:1'], container: ['c0f'] })));
    assert.ok(!eventMatches(exec, f({ container: ['other'] })));
    assert.equal(bus.replay(tag.timeNano).length, 2);
    assert.equal(tag.status, 'tag');
  });

  it('gives events strictly increasing times, so since= replays never miss one', () => {
    const bus = new EventBus();
    const times = Array.from({ length: 2000 }, (_, i) => bus.publish('image', 'tag', `sha256:${i}`).timeNano);
    for (let i = 1; i < times.length; i++) assert.ok(times[i] > times[i - 1], `event ${i} is not after event ${i - 1}`);
    assert.equal(bus.replay(times[1500]).length, 500);
  });

  it('combines fromImage and tag like dockerd', () => {
    assert.equal(pullReference('busybox', 'latest'), 'busybox:latest');
    assert.equal(pullReference('localhost:5000/a/b', '1'), 'localhost:5000/a/b:1');
    assert.equal(pullReference('busybox', `sha256:${'a'.repeat(64)}`), `busybox@sha256:${'a'.repeat(64)}`);
    assert.equal(pullReference('busybox:1', 'latest'), 'busybox:1');
    assert.equal(pullReference('localhost:5000/a', null), 'localhost:5000/a');
  });
});
