// Which OCI runtime the engine runs as root, against the real crun and runc of this host: crun
// (in the cgroup v1 view on hybrid hosts like this one) when a probe container runs, runc when
// crun cannot run; limits, freezer and exec work under crun started that way.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createExecutor, type Executor, type ProcessSpec } from '../../../engine/runtime/executor';
import { crunNeedsV1View, inV1View } from '../../../engine/runtime/executor/cgroupView';
import { probeRuntime } from '../../../engine/runtime/executor/probe';
import { makeBusyboxRootfs } from '../../harness/images';
import { removeDir, requireBinary, tempDir, waitFor } from '../../harness/services';

const CRUN = requireBinary('crun', 'crun');
const RUNC = requireBinary('runc', 'runc');

/** Whether the /sys/fs/cgroup tmpfs has an entry named `id` below the cgroup2 mount (seen from a private mount namespace). */
function hiddenTmpfsHas(id: string): boolean {
  const r = spawnSync('/usr/bin/unshare', ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', 'umount -l /sys/fs/cgroup/unified && find /sys/fs/cgroup/unified -name "$1"', 'sh', id], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`looking below the cgroup2 mount: ${r.stderr}`);
  return r.stdout.trim() !== '';
}

describe('OCI runtime selection (root, real crun and runc)', function () {
  this.timeout(60000);
  let dir: string;
  let rootfs: string;
  before(function () {
    if (process.getuid?.() !== 0) this.skip();
    dir = tempDir('rt-select');
    rootfs = path.join(dir, 'rootfs');
    fs.mkdirSync(rootfs);
    makeBusyboxRootfs(rootfs);
    for (const d of ['proc', 'dev', 'sys']) fs.mkdirSync(path.join(rootfs, d));
  });
  after(() => dir && removeDir(dir));

  const spec = (args: string[], extra: Partial<ProcessSpec> = {}): ProcessSpec => ({ rootfs, args, env: ['PATH=/bin'], cwd: '/', user: { uid: 0, gid: 0 }, network: 'none', ...extra });

  /** Starts `spec` as container `id` the way the monitor does (prepare, then spawn the command); resolves with its stdout at exit. */
  function start(ex: Executor, id: string, s: ProcessSpec): { output: () => string; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
    const p = ex.prepare(id, s, path.join(dir, 'bundles', id));
    const child = spawn(p.argv[0], p.argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    return { output: () => stdout, done: new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr }))) };
  }

  it('crun refuses this hybrid host directly, and runs in the cgroup v1 view', function () {
    if (!crunNeedsV1View()) this.skip(); // a unified or plain v1 host: crun runs there as it is
    const direct = probeRuntime(CRUN, '/dockwright');
    assert.equal(direct.ok, false);
    assert.match(direct.reason ?? '', /cgroups in hybrid mode not supported/);
    assert.deepEqual(probeRuntime(CRUN, '/dockwright', inV1View), { ok: true });
  });

  it('auto prefers crun, says so, and starts it in the v1 view where the host needs it', () => {
    const said: string[] = [];
    const ex = createExecutor('auto', path.join(dir, 'state-auto'), { log: (m) => said.push(m) });
    assert.equal(ex.name, 'crun');
    assert.equal(said.length, 1);
    assert.match(said[0], /^runtime: crun/);
    const argv = ex.prepare('dw-sel-argv', spec(['true']), path.join(dir, 'bundles', 'argv')).argv;
    if (crunNeedsV1View()) assert.deepEqual(argv.slice(0, 2), ['/usr/bin/unshare', '--mount']);
    else assert.equal(argv[0], CRUN);
  });

  it('auto falls back to runc when crun cannot run, and says why', () => {
    const said: string[] = [];
    // a real binary that fails every container: the probe sees the failure like a refusing crun
    const ex = createExecutor('auto', path.join(dir, 'state-fallback'), { log: (m) => said.push(m), binaries: { crun: '/bin/false' } });
    assert.equal(ex.name, 'runc');
    assert.equal(said.length, 1);
    assert.match(said[0], /^runtime: runc \(crun cannot run containers here: /);
  });

  it('--runtime crun that cannot run is a clear error; --runtime runc is runc', () => {
    assert.throws(() => createExecutor('crun', path.join(dir, 'state-crun'), { binaries: { crun: '/bin/false' } }), /--runtime crun: crun cannot run containers on this host/);
    assert.equal(createExecutor('runc', path.join(dir, 'state-runc')).name, 'runc');
  });

  for (const runtime of ['crun', 'runc'] as const) {
    it(`${runtime}: applies memory, pids and CPU limits in the container's v1 cgroups, freezes, thaws and execs`, async () => {
      const ex = createExecutor(runtime, path.join(dir, `state-${runtime}`));
      assert.equal(ex.name, runtime);
      const id = `dw-sel-${randomBytes(6).toString('hex')}`;
      const run = start(ex, id, spec(['sh', '-c', 'echo up; while [ ! -e /tmp/stop ]; do sleep 0.05; done; echo done'], {
        resources: { memory: 64 << 20, pidsLimit: 50, cpuQuota: 50000, cpuPeriod: 100000 },
        mounts: [{ type: 'tmpfs', target: '/tmp' }],
      }));
      const cg = (ctrl: string, file: string) => fs.readFileSync(`/sys/fs/cgroup/${ctrl}/dockwright/${id}/${file}`, 'utf8').trim();
      try {
        // the runtime sets the limits before it starts the program
        await waitFor('the container program', () => run.output().includes('up'), 10000, 20);
        assert.equal(cg('memory', 'memory.limit_in_bytes'), String(64 << 20));
        assert.equal(cg('pids', 'pids.max'), '50');
        assert.equal(cg('cpu', 'cpu.cfs_quota_us'), '50000');
        assert.equal(ex.cgroupPath?.(id), `/dockwright/${id}`);
        // pause resolves only once the freezer says FROZEN (crun 1.8 returns while it may still say
        // FREEZING: seen about once in 150 pauses of this loop container; hence the rounds)
        for (let round = 0; round < 25; round++) {
          await ex.pause!(id);
          assert.equal(cg('freezer', 'freezer.state'), 'FROZEN', `round ${round}`);
          await ex.resume!(id);
          assert.equal(cg('freezer', 'freezer.state'), 'THAWED');
        }
        const initPid = Number(cg('pids', 'cgroup.procs').split('\n')[0]);
        const e = ex.prepareExec(id, { args: ['touch', '/tmp/stop'], env: ['PATH=/bin'], cwd: '/', user: { uid: 0, gid: 0 }, network: 'none' }, path.join(dir, 'bundles', id), initPid);
        const exec = spawn(e.argv[0], e.argv.slice(1), { stdio: 'ignore' });
        assert.equal(await new Promise((r) => exec.once('close', r)), 0);
        const r = await run.done;
        assert.deepEqual({ code: r.code, stdout: r.stdout }, { code: 0, stdout: 'up\ndone\n' }, r.stderr);
        assert.ok(!fs.existsSync(`/sys/fs/cgroup/pids/dockwright/${id}`), 'the runtime removed the container cgroup');
        if (crunNeedsV1View()) assert.ok(!hiddenTmpfsHas(id), 'a directory of the container was left on the /sys/fs/cgroup tmpfs under the cgroup2 mount');
      } finally {
        spawn(runtime === 'crun' ? CRUN : RUNC, ['--root', path.join(dir, `state-${runtime}`, runtime), 'delete', '--force', id], { stdio: 'ignore' });
      }
    });
  }
});
