// Rootless containers with subordinate ids, through the docker CLI against a daemon run as a
// non-root user: with a /etc/subuid and /etc/subgid range (made here for the test's own user, as
// on a fresh machine) container uid 0 is the user and uids 1..N its range, so files the image gives
// to uid 1000 stay uid 1000's (also in a 0700 directory a later layer writes into), `USER 1000`
// works, root may chown to any id, and commit, export and cp carry the container ids. A user without
// a range gets bubblewrap's single-uid mapping, and the log says so.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar-stream';
import { ensureUser, startEngine, type TestEngine, stopWithContainers } from '../../harness/engine';
import { loadBusyboxImage, tarOf } from '../../harness/images';
import { dropSubordinateIds, ensureSubordinateIds } from '../../harness/subordinateIds';
import { removeDir, tempDir } from '../../harness/services';

/** busybox + a 0700 directory of uid 1000 with a 0600 file (layer 2) + a file a later layer puts into it (layer 3), as `owned:latest`. */
async function loadOwnedImage(engine: TestEngine): Promise<void> {
  await loadBusyboxImage(engine, 'owned:latest', [
    await tarOf([
      { name: 'home/app/private/', type: 'directory', mode: 0o700, uid: 1000, gid: 1000 },
      { name: 'home/app/private/secret', mode: 0o600, uid: 1000, gid: 1000, body: 'for app\n' },
      { name: 'srv/', type: 'directory', mode: 0o755, uid: 0, gid: 0 },
      { name: 'srv/shared', mode: 0o640, uid: 2000, gid: 3000, body: 'group readable\n' },
    ]),
    await tarOf([{ name: 'home/app/private/later', mode: 0o644, uid: 1000, gid: 1000, body: 'layer 3\n' }]),
  ]);
}

/** The entries of a tar as `name uid:gid`. */
function tarOwners(buf: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const out = new Map<string, string>();
    const x = tar.extract();
    x.on('entry', (h, stream, next) => {
      out.set(h.name.replace(/\/$/, ''), `${h.uid}:${h.gid}`);
      stream.on('end', next);
      stream.resume();
    });
    x.on('finish', () => resolve(out));
    x.on('error', reject);
    x.end(buf);
  });
}

describe('rootless containers with subordinate ids (non-root user, docker CLI)', function () {
  this.timeout(180000);
  let engine: TestEngine;
  const user = 'dwsubids';

  before(async function () {
    if (process.getuid?.() !== 0) this.skip(); // the test makes its own user and /etc/subuid range
    ensureUser(user);
    ensureSubordinateIds(user);
    engine = await startEngine({ asUser: user, runtime: 'rootless' });
    await loadOwnedImage(engine);
  });
  after(() => stopWithContainers(engine));

  it('maps the user and its range, and says so once', async () => {
    assert.equal((await engine.docker(['info', '--format', '{{.DefaultRuntime}}'])).stdout.trim(), 'rootless-crun');
    // the container runtime's line (the builder names its own runtime in a line of its own)
    assert.equal(engine.logs().match(/msg="runtime: rootless-crun \(crun in a user namespace/g)?.length, 1, engine.logs());
    const { stdout } = await engine.docker(['run', '--rm', 'owned', 'cat', '/proc/self/uid_map']);
    const rows = stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
    assert.deepEqual(rows[0], [0, uid, 1]);
    assert.deepEqual([rows[1][0], rows[1][2]], [1, 65536]);
  });

  it('keeps the owners of image files, also in a 0700 directory a later layer writes into', async () => {
    const { stdout } = await engine.docker(['run', '--rm', 'owned', 'sh', '-c',
      'stat -c "%n %u:%g %a" /home/app/private /home/app/private/secret /home/app/private/later /srv/shared /bin/busybox']);
    assert.equal(stdout, [
      '/home/app/private 1000:1000 700', '/home/app/private/secret 1000:1000 600', '/home/app/private/later 1000:1000 644',
      '/srv/shared 2000:3000 640', '/bin/busybox 0:0 755', ''].join('\n'));
  });

  it('runs USER 1000 as uid 1000, which may read its 0600 file; root may chown to any id', async () => {
    const { stdout: id } = await engine.docker(['run', '--rm', '-u', '1000', 'owned', 'sh', '-c', 'id; cat /home/app/private/secret; echo new > /home/app/private/mine; stat -c %u:%g /home/app/private/mine']);
    assert.equal(id, 'uid=1000(app) gid=1000(app)\nfor app\n1000:1000\n');
    const { stdout: named } = await engine.docker(['run', '--rm', '-u', 'app', 'owned', 'id', '-un']);
    assert.equal(named, 'app\n');
    const { stdout: root } = await engine.docker(['run', '--rm', 'owned', 'sh', '-c', 'id -u; touch /tmp/x && chown 4242:4343 /tmp/x && stat -c %u:%g /tmp/x']);
    assert.equal(root, '0\n4242:4343\n');
  });

  it('commits, exports, diffs and copies in and out with the container ids', async () => {
    await engine.docker(['run', '--name', 'ids-commit', '-u', '1000', 'owned', 'sh', '-c', 'echo kept > /home/app/private/committed']);
    await engine.docker(['commit', 'ids-commit', 'owned:committed']);
    const { stdout } = await engine.docker(['run', '--rm', 'owned:committed', 'stat', '-c', '%u:%g', '/home/app/private/committed']);
    assert.equal(stdout, '1000:1000\n');
    const exported = await tarOwners(execFileSync('docker', ['-H', engine.host, 'export', 'ids-commit'], { maxBuffer: 64 << 20 }));
    assert.equal(exported.get('home/app/private/secret'), '1000:1000');
    assert.equal(exported.get('srv/shared'), '2000:3000');
    assert.equal(exported.get('bin/busybox'), '0:0');
    const copied = await tarOwners(execFileSync('docker', ['-H', engine.host, 'cp', 'ids-commit:/home/app/private', '-']));
    assert.equal(copied.get('private/committed'), '1000:1000');
    // into uid 1000's 0700 directory, which the daemon's user cannot write to itself
    const src = tempDir('ids-cp');
    fs.chmodSync(src, 0o755);
    fs.writeFileSync(path.join(src, 'hostfile'), 'from the host\n');
    fs.chmodSync(path.join(src, 'hostfile'), 0o644);
    try {
      await engine.docker(['cp', path.join(src, 'hostfile'), 'ids-commit:/home/app/private/']);
    } finally {
      removeDir(src);
    }
    const diff = (await engine.docker(['diff', 'ids-commit'])).stdout.split('\n');
    assert.ok(diff.includes('A /home/app/private/committed') && diff.includes('A /home/app/private/hostfile'), diff.join('\n'));
    const back = execFileSync('docker', ['-H', engine.host, 'cp', 'ids-commit:/home/app/private/hostfile', '-']).toString();
    assert.match(back, /from the host/);
    await engine.docker(['rm', 'ids-commit']);
  });

  it('runs --init and exec under the mapping', async () => {
    await engine.docker(['run', '-d', '--init', '--name', 'ids-exec', 'owned', 'sleep', '300']);
    assert.equal((await engine.docker(['exec', '-u', '1000', 'ids-exec', 'cat', '/home/app/private/secret'])).stdout, 'for app\n');
    assert.equal((await engine.docker(['exec', 'ids-exec', 'cat', '/proc/1/cmdline'])).stdout, '/sbin/docker-init\x00--\x00sleep\x00300\x00');
    await engine.docker(['stop', '-t', '60', 'ids-exec']);
    assert.equal((await engine.docker(['inspect', '-f', '{{.State.ExitCode}}', 'ids-exec'])).stdout.trim(), '143');
    await engine.docker(['rm', 'ids-exec']);
  });
});

describe('rootless containers without subordinate ids (non-root user, docker CLI)', function () {
  this.timeout(120000);
  let engine: TestEngine;
  const user = 'dwnosubids';

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    ensureUser(user);
    dropSubordinateIds(user);
    engine = await startEngine({ asUser: user, runtime: 'rootless' });
    await loadOwnedImage(engine);
  });
  after(async () => engine?.stop());

  it('falls back to the single-uid mapping and says why, once', async () => {
    assert.equal((await engine.docker(['info', '--format', '{{.DefaultRuntime}}'])).stdout.trim(), 'rootless');
    const said = engine.logs().match(/msg="runtime: rootless with a single-uid mapping \(bubblewrap\): no range for dwnosubids in \/etc\/subuid/g);
    assert.equal(said?.length, 1, engine.logs());
    const { stdout } = await engine.docker(['run', '--rm', '-u', '1000', 'owned', 'id', '-u']);
    assert.equal(stdout, '1000\n');
  });
});
