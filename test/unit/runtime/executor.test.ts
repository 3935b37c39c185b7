// The executors against the real runtimes on this host: runc/crun (root) and bubblewrap (rootless).
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createExecutor, resolveCapabilities, type Executor, type ProcessSpec } from '../../../engine/runtime/executor';
import { makeBusyboxRootfs } from '../../harness/images';
import { removeDir, tempDir } from '../../harness/services';

async function capture(ex: Executor, spec: Partial<ProcessSpec> & { args: string[] }, rootfs: string, stdin?: string) {
  const out = new PassThrough();
  const err = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  out.on('data', (c) => o.push(c));
  err.on('data', (c) => e.push(c));
  const input = stdin === undefined ? undefined : PassThrough.from([stdin]);
  const r = await ex.run({ rootfs, env: ['PATH=/bin'], cwd: '/', user: { uid: 0, gid: 0 }, network: 'none', ...spec }, { stdout: out, stderr: err, stdin: input });
  return { exitCode: r.exitCode, stdout: Buffer.concat(o).toString(), stderr: Buffer.concat(e).toString() };
}

describe('capabilities', () => {
  it('adds and drops like Docker', () => {
    assert.ok(resolveCapabilities().includes('CAP_CHOWN'));
    assert.ok(!resolveCapabilities([], ['chown']).includes('CAP_CHOWN'));
    assert.deepEqual(resolveCapabilities(['NET_ADMIN'], ['ALL']), ['CAP_NET_ADMIN']);
    assert.ok(resolveCapabilities(['ALL']).includes('CAP_SYS_ADMIN'));
    assert.throws(() => resolveCapabilities(['BOGUS']), /unknown capability/);
  });
});

for (const kind of ['auto', 'rootless'] as const) {
  describe(`executor ${kind}`, () => {
    let dir: string;
    let rootfs: string;
    let ex: Executor;
    before(() => {
      dir = tempDir('exec');
      rootfs = path.join(dir, 'rootfs');
      fs.mkdirSync(rootfs);
      makeBusyboxRootfs(rootfs);
      for (const d of ['proc', 'dev', 'sys']) fs.mkdirSync(path.join(rootfs, d));
      ex = createExecutor(kind, path.join(dir, 'state'));
    });
    after(() => removeDir(dir));

    it('returns the exit code and separates stdout from stderr', async () => {
      const r = await capture(ex, { args: ['sh', '-c', 'echo out; echo err >&2; exit 7'] }, rootfs);
      assert.deepEqual(r, { exitCode: 7, stdout: 'out\n', stderr: 'err\n' });
    });

    it('applies env, cwd, user and hostname', async () => {
      const r = await capture(ex, { args: ['sh', '-c', 'echo "$A|$PWD|$(id -u):$(id -g)|$(hostname)"'], env: ['PATH=/bin', 'A=b c'], cwd: '/home/app', user: { uid: 1000, gid: 1000 }, hostname: 'box' }, rootfs);
      assert.equal(r.stdout, 'b c|/home/app|1000:1000|box\n');
    });

    it('pipes stdin', async () => {
      const r = await capture(ex, { args: ['cat'] }, rootfs, 'hello\n');
      assert.equal(r.stdout, 'hello\n');
    });

    it('makes the rootfs read-only and mounts tmpfs and binds', async () => {
      const shared = path.join(dir, 'shared');
      fs.mkdirSync(shared, { recursive: true });
      fs.writeFileSync(path.join(shared, 'in'), 'from host');
      fs.mkdirSync(path.join(rootfs, 'mnt'), { recursive: true });
      const r = await capture(ex, {
        args: ['sh', '-c', 'touch /x 2>/dev/null && echo wrote; echo t > /tmp/t && cat /tmp/t; cat /mnt/in; echo back > /mnt/out'],
        readonlyRootfs: true,
        mounts: [{ type: 'tmpfs', target: '/tmp' }, { type: 'bind', source: shared, target: '/mnt' }],
      }, rootfs);
      assert.equal(r.stdout, 't\nfrom host');
      assert.equal(fs.readFileSync(path.join(shared, 'out'), 'utf8'), 'back\n');
      assert.ok(!fs.existsSync(path.join(rootfs, 'x')));
    });

    it('isolates the network unless host', async () => {
      const ifaces = (s: string) => s.split('\n').slice(2).map((l) => l.split(':')[0].trim()).filter(Boolean).sort();
      const none = await capture(ex, { args: ['cat', '/proc/net/dev'], network: 'none' }, rootfs);
      const host = await capture(ex, { args: ['cat', '/proc/net/dev'], network: 'host' }, rootfs);
      assert.deepEqual(ifaces(none.stdout), ['lo']);
      assert.deepEqual(ifaces(host.stdout), ifaces(fs.readFileSync('/proc/net/dev', 'utf8')));
    });

    it('drops capabilities', async () => {
      const r = await capture(ex, { args: ['sh', '-c', 'chown 1000 /tmp/c 2>/dev/null && echo allowed || echo denied'], capDrop: ['CHOWN'], mounts: [{ type: 'tmpfs', target: '/tmp' }] }, rootfs);
      assert.equal(r.stdout, 'denied\n');
    });

    it('gives the process a terminal when tty is set', async () => {
      const r = await capture(ex, { args: ['sh', '-c', '[ -t 0 ] && [ -t 1 ] && echo istty'], tty: true }, rootfs);
      assert.match(r.stdout, /istty/);
      assert.equal(r.exitCode, 0);
    });

    it('kills the process when the signal aborts, even while it holds the output pipes', async () => {
      const ac = new AbortController();
      const t = Date.now();
      setTimeout(() => ac.abort(), 300);
      const out = new PassThrough().resume();
      const r = await ex.run({ rootfs, args: ['sleep', '987'], env: ['PATH=/bin'], cwd: '/', user: { uid: 0, gid: 0 }, network: 'none' }, { signal: ac.signal, stdout: out, stderr: out });
      assert.notEqual(r.exitCode, 0);
      assert.ok(Date.now() - t < 10000);
      const sleeping = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).some((p) => {
        try { return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8') === 'sleep\x00987\x00'; } catch { return false; }
      });
      assert.ok(!sleeping, 'the container process still runs');
      if (kind === 'auto') assert.deepEqual(fs.readdirSync(path.join(dir, 'state', 'bundles')), []);
    });
  });
}

describe('OCI executor bundles', () => {
  it('removes bundles left by a killed daemon when it starts', async () => {
    const dir = tempDir('exec-bundles');
    try {
      const state = path.join(dir, 'state');
      createExecutor('auto', state);
      const left = path.join(state, 'bundles', 'dw-run-0123456789abcdef');
      fs.mkdirSync(left, { recursive: true });
      fs.writeFileSync(path.join(left, 'config.json'), '{}');
      createExecutor('auto', state);
      for (let i = 0; i < 100 && fs.existsSync(left); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(!fs.existsSync(left), 'the leftover bundle is still there');
    } finally {
      removeDir(dir);
    }
  });
});
