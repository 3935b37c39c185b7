// Containers through the real docker CLI against our daemon, as root (runc) and as a non-root user
// (bubblewrap rootless executor): run, logs, exec, attach, lifecycle, volumes, cp, export, commit,
// and a daemon killed with SIGKILL while containers run.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startEngine, type TestEngine, stopWithContainers } from '../../harness/engine';
import { removeDir, requireBinary, tempDir, waitFor } from '../../harness/services';
import { loadBusybox } from './busybox';

const execFileP = promisify(execFile);

/** Runs the docker CLI under a PTY (util-linux `script`) to drive `-it`. */
async function dockerInPty(engine: TestEngine, args: string[], input = ''): Promise<string> {
  const cmd = ['/usr/local/bin/docker', ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const p = spawn(requireBinary('script'), ['-qec', `stty rows 30 cols 100; ${cmd}`, '/dev/null'], { env: { ...process.env, DOCKER_HOST: engine.host } });
    let out = '';
    p.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    p.stderr.on('data', (c: Buffer) => { out += c.toString(); });
    p.on('error', reject);
    p.on('close', () => resolve(out));
    let i = 0;
    const feed = () => {
      if (i >= input.length) return p.stdin.end();
      p.stdin.write(input[i++]);
      setTimeout(feed, 300);
    };
    setTimeout(feed, 1500);
  });
}

async function dockerFails(engine: TestEngine, args: string[]): Promise<string> {
  try {
    await engine.docker(args);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`docker ${args.join(' ')} succeeded but should have failed`);
}

function suite(label: string, opts: { asUser?: string; runtime?: 'auto' | 'rootless' }) {
  describe(`containers through the docker CLI (${label})`, function () {
    this.timeout(120000);
    let engine: TestEngine;
    let work: string;

    before(async () => {
      engine = await startEngine({ asUser: opts.asUser, runtime: opts.runtime });
      await loadBusybox(engine);
      work = tempDir('ctr-work');
      fs.chmodSync(work, 0o777);
    });

    after(async () => {
      await stopWithContainers(engine);
      if (work) removeDir(work);
    });

    it('docker run --rm prints the output and returns the exit code', async () => {
      const { stdout } = await engine.docker(['run', '--rm', 'busybox', 'echo', 'hi']);
      assert.equal(stdout, 'hi\n');
      const msg = await dockerFails(engine, ['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
      assert.match(msg, /err/);
      const { stdout: ps } = await engine.docker(['ps', '-aq']);
      assert.equal(ps.trim(), '', '--rm removed the containers');
    });

    it('applies -e, -w, -u, --entrypoint, --name and --network none', async () => {
      const { stdout } = await engine.docker(['run', '--rm', '--name', 'envtest', '-e', 'A=b c', '-w', '/tmp', '-u', '1000:1000', '--network', 'none',
        '--entrypoint', 'sh', 'busybox', '-c', 'echo "$A|$PWD|$(id -u):$(id -g)|$(cat /proc/net/dev | grep -c :)"']);
      assert.equal(stdout, 'b c|/tmp|1000:1000|1\n');
      const { stdout: named } = await engine.docker(['run', '--rm', '-u', 'app', 'busybox', 'id', '-un']);
      assert.equal(named, 'app\n');
    });

    it('--init runs docker-init as PID 1: the command is its child, signals reach it, orphans are reaped', async () => {
      const { stdout: cmdline } = await engine.docker(['run', '--rm', '--init', 'busybox', 'cat', '/proc/1/cmdline']);
      assert.equal(cmdline, '/sbin/docker-init\x00--\x00cat\x00/proc/1/cmdline\x00');
      const { stdout: ps } = await engine.docker(['run', '--rm', '--init', 'busybox', 'ps', '-o', 'pid,ppid,args']);
      const rows = ps.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
      assert.deepEqual(rows[0], ['1', '0', '/sbin/docker-init', '--', 'ps', '-o', 'pid,ppid,args']);
      assert.deepEqual(rows.find((r) => r[2] === 'ps')?.slice(1, 3), ['1', 'ps'], ps);
      const { stdout: ro } = await engine.docker(['run', '--rm', '--init', '--read-only', 'busybox', 'sh', '-c', 'echo x > /sbin/docker-init 2>/dev/null || echo read-only']);
      assert.equal(ro, 'read-only\n');
      // sleep as PID 1 ignores SIGTERM (killed after the timeout: 137); under docker-init it gets it (143)
      await engine.docker(['run', '-d', '--init', '--name', 'inited', 'busybox', 'sh', '-c', '(sleep 0.2 &); exec sleep 300']);
      const args = async () => (await engine.docker(['exec', 'inited', 'ps', '-o', 'args'])).stdout.split('\n').map((l) => l.trim());
      await waitFor('the orphaned sleep to exit', async () => !(await args()).includes('sleep 0.2'), 10000, 200);
      const { stdout: stats } = await engine.docker(['exec', 'inited', 'ps', '-o', 'stat,args']);
      assert.ok(!/^\s*Z/m.test(stats), `a zombie is left: the orphan was not reaped\n${stats}`);
      const { stdout: inspect } = await engine.docker(['inspect', '-f', '{{.Path}} {{json .Args}} {{.HostConfig.Init}}', 'inited']);
      assert.equal(inspect.trim(), 'sh ["-c","(sleep 0.2 &); exec sleep 300"] true');
      await engine.docker(['stop', '-t', '60', 'inited']);
      assert.equal((await engine.docker(['inspect', '-f', '{{.State.ExitCode}}', 'inited'])).stdout.trim(), '143');
      const { stdout: diff } = await engine.docker(['diff', 'inited']);
      assert.ok(diff.split('\n').includes('A /sbin/docker-init'), diff);
      await engine.docker(['rm', 'inited']);
    });

    it('mounts binds, named volumes and tmpfs, and honours --read-only', async () => {
      fs.writeFileSync(path.join(work, 'in.txt'), 'from host');
      fs.chmodSync(path.join(work, 'in.txt'), 0o666);
      const { stdout } = await engine.docker(['run', '--rm', '--read-only', '--tmpfs', '/scratch', '-v', `${work}:/host`, '-v', 'data1:/data', 'busybox', 'sh', '-c',
        'cat /host/in.txt; echo; touch /nope 2>/dev/null || echo readonly; echo t > /scratch/t && cat /scratch/t; echo persisted > /data/f']);
      assert.equal(stdout, 'from host\nreadonly\nt\n');
      const { stdout: again } = await engine.docker(['run', '--rm', '-v', 'data1:/data', 'busybox', 'cat', '/data/f']);
      assert.equal(again, 'persisted\n');
      const { stdout: ls } = await engine.docker(['volume', 'ls', '-q']);
      assert.ok(ls.split('\n').includes('data1'));
      await engine.docker(['volume', 'create', 'made']);
      const { stdout: inspect } = await engine.docker(['volume', 'inspect', '-f', '{{.Driver}} {{.Name}}', 'made']);
      assert.equal(inspect.trim(), 'local made');
      await engine.docker(['volume', 'rm', 'made', 'data1']);
      const { stdout: after } = await engine.docker(['volume', 'ls', '-q']);
      assert.ok(!after.split('\n').includes('data1'));
    });

    it('runs detached: ps, logs -f, exec, top, stop, start, restart, kill, wait, inspect, rm', async () => {
      const { stdout: idOut } = await engine.docker(['run', '-d', '--name', 'loop', 'busybox', 'sh', '-c', 'i=0; while true; do echo line $i; i=$((i+1)); sleep 0.2; done']);
      const id = idOut.trim();
      assert.match(id, /^[a-f0-9]{64}$/);
      const { stdout: ps } = await engine.docker(['ps', '--format', '{{.Names}} {{.Status}}']);
      assert.match(ps, /^loop Up/m);
      await waitFor('log lines', async () => (await engine.docker(['logs', 'loop'])).stdout.includes('line 3'), 10000, 200);
      const { stdout: tail } = await engine.docker(['logs', '--tail', '1', 'loop']);
      assert.match(tail, /^line \d+\n$/);
      const follow = await engine.docker(['logs', '-f', '--until', `${Math.floor(Date.now() / 1000) + 2}`, 'loop']);
      assert.match(follow.stdout, /line 8/);
      const { stdout: ex } = await engine.docker(['exec', 'loop', 'sh', '-c', 'echo from exec; echo e >&2']);
      assert.equal(ex, 'from exec\n');
      assert.match(await dockerFails(engine, ['exec', 'loop', 'sh', '-c', 'exit 5']), /exit/);
      const { stdout: top } = await engine.docker(['top', 'loop']);
      assert.match(top, /while true/);
      await engine.docker(['stop', '-t', '1', 'loop']);
      const { stdout: code } = await engine.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'loop']);
      assert.equal(code.trim(), 'exited 137', 'sh as pid 1 ignores SIGTERM: killed after the timeout');
      await engine.docker(['start', 'loop']);
      await engine.docker(['restart', '-t', '0', 'loop']);
      const { stdout: st } = await engine.docker(['inspect', '-f', '{{.State.Running}}', 'loop']);
      assert.equal(st.trim(), 'true');
      const waiting = engine.docker(['wait', 'loop']);
      await engine.docker(['kill', '-s', 'KILL', 'loop']);
      assert.equal((await waiting).stdout.trim(), '137');
      await engine.docker(['rm', 'loop']);
      assert.match(await dockerFails(engine, ['inspect', 'loop']), /No such/);
    });

    it('runs the HEALTHCHECK and reports State.Health', async () => {
      await engine.docker(['run', '-d', '--name', 'health', '--health-cmd', 'test -f /tmp/ok', '--health-interval', '300ms', '--health-retries', '1', 'busybox', 'sleep', '300']);
      const status = async () => (await engine.docker(['inspect', '-f', '{{.State.Health.Status}}', 'health'])).stdout.trim();
      await waitFor('unhealthy', async () => (await status()) === 'unhealthy', 15000, 200);
      await engine.docker(['exec', 'health', 'touch', '/tmp/ok']);
      await waitFor('healthy', async () => (await status()) === 'healthy', 15000, 200);
      const { stdout: ps } = await engine.docker(['ps', '--format', '{{.Status}}', '--filter', 'name=health']);
      assert.match(ps, /\(healthy\)/);
      await engine.docker(['rm', '-f', 'health']);
    });

    it('applies restart policies, renames, prunes, adds hosts and refuses port remapping', async () => {
      await engine.docker(['run', '-d', '--name', 'flaky', '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'exit 1']);
      await waitFor('two restarts', async () => (await engine.docker(['inspect', '-f', '{{.RestartCount}} {{.State.Status}}', 'flaky'])).stdout.trim() === '2 exited', 20000, 200);
      await engine.docker(['rename', 'flaky', 'flaky2']);
      assert.equal((await engine.docker(['ps', '-a', '--filter', 'name=flaky2', '--format', '{{.Names}}'])).stdout.trim(), 'flaky2');
      const { stdout: pruned } = await engine.docker(['container', 'prune', '-f']);
      assert.match(pruned, /Deleted Containers:/);
      assert.match(await dockerFails(engine, ['inspect', 'flaky2']), /No such/);
      const { stdout: hosts } = await engine.docker(['run', '--rm', '--network', 'none', '--add-host', 'db.local:10.1.2.3', 'busybox', 'cat', '/etc/hosts']);
      assert.match(hosts, /10\.1\.2\.3\s+db\.local/);
      assert.match(await dockerFails(engine, ['run', '--rm', '-p', '8080:80', 'busybox', 'true']), /host port 80; remapping ports is not supported/);
    });

    it('keeps docker cp inside the container rootfs (symlinks resolve inside it)', async () => {
      const secret = path.join(work, 'secret');
      fs.mkdirSync(secret, { recursive: true });
      fs.writeFileSync(path.join(secret, 'host-only'), 'host secret');
      await engine.docker(['run', '-d', '--name', 'cpx', 'busybox', 'sleep', '300']);
      await engine.docker(['exec', 'cpx', 'ln', '-s', secret, '/leak']);
      await engine.docker(['exec', 'cpx', 'ln', '-s', '../../../../../../..', '/up']);
      assert.match(await dockerFails(engine, ['cp', 'cpx:/leak/host-only', path.join(work, 'stolen')]), /Could not find|No such/);
      assert.match(await dockerFails(engine, ['cp', `cpx:/up${secret}/host-only`, path.join(work, 'stolen')]), /Could not find|No such/);
      fs.writeFileSync(path.join(work, 'payload'), 'written');
      await engine.docker(['exec', 'cpx', 'mkdir', '-p', secret]);
      await engine.docker(['cp', path.join(work, 'payload'), 'cpx:/leak/']);
      assert.ok(!fs.existsSync(path.join(secret, 'payload')), 'nothing written through the link to the host');
      assert.equal((await engine.docker(['exec', 'cpx', 'cat', `${secret}/payload`])).stdout, 'written');
      await engine.docker(['rm', '-f', 'cpx']);
    });

    it('exec -it and run -it get a terminal', async () => {
      await engine.docker(['run', '-d', '--name', 'tty', 'busybox', 'sleep', '300']);
      const out = await dockerInPty(engine, ['exec', '-it', 'tty', 'sh', '-c', '[ -t 0 ] && [ -t 1 ] && echo IS-A-TTY; sleep 0.5; stty size']);
      assert.match(out, /IS-A-TTY/);
      assert.match(out, /30 100/, 'the terminal has the client\'s size');
      const run = await dockerInPty(engine, ['run', '--rm', '-it', 'busybox', 'sh'], 'echo $((6*7))\rstty size\rexit\r');
      assert.match(run, /42/);
      assert.match(run, /30 100/);
      await engine.docker(['rm', '-f', 'tty']);
    });

    it('attach streams the output of a running container', async () => {
      await engine.docker(['run', '-d', '--name', 'att', 'busybox', 'sh', '-c', 'sleep 1; echo attached-output; sleep 1']);
      const { stdout } = await engine.docker(['attach', 'att']);
      assert.match(stdout, /attached-output/);
      await engine.docker(['rm', '-f', 'att']);
    });

    it('copies files in and out, exports, diffs and commits', async () => {
      await engine.docker(['run', '-d', '--name', 'fs', 'busybox', 'sleep', '300']);
      await engine.docker(['exec', 'fs', 'sh', '-c', 'echo hello > /newfile; rm /etc/group']);
      const { stdout: diff } = await engine.docker(['diff', 'fs']);
      assert.match(diff, /^A \/newfile$/m);
      assert.match(diff, /^D \/etc\/group$/m);
      const out = path.join(work, 'passwd.out');
      await engine.docker(['cp', 'fs:/etc/passwd', out]);
      assert.match(fs.readFileSync(out, 'utf8'), /^root:x:0:0/);
      fs.writeFileSync(path.join(work, 'up.txt'), 'uploaded');
      await engine.docker(['cp', path.join(work, 'up.txt'), 'fs:/tmp/']);
      assert.equal((await engine.docker(['exec', 'fs', 'cat', '/tmp/up.txt'])).stdout, 'uploaded');
      const exported = path.join(work, 'export.tar');
      await engine.docker(['export', '-o', exported, 'fs']);
      const { stdout: list } = await execFileP('tar', ['-tf', exported]);
      assert.ok(list.split('\n').includes('bin/busybox') && list.split('\n').includes('newfile'), 'export has the image and the changes');
      const { stdout: commitId } = await engine.docker(['commit', '-c', 'CMD ["cat", "/newfile"]', '-a', 'tester', '-m', 'a message', 'fs', 'committed:v1']);
      assert.match(commitId.trim(), /^sha256:[a-f0-9]{64}$/);
      assert.equal((await engine.docker(['run', '--rm', 'committed:v1'])).stdout, 'hello\n');
      assert.match(await dockerFails(engine, ['run', '--rm', 'committed:v1', 'cat', '/etc/group']), /No such file/);
      const { stdout: author } = await engine.docker(['image', 'inspect', '-f', '{{.Author}}', 'committed:v1']);
      assert.equal(author.trim(), 'tester');
      await engine.docker(['rm', '-f', 'fs']);
    });

    it('keeps containers running when the daemon is killed with SIGKILL; a restarted daemon adopts them', async () => {
      await engine.docker(['run', '-d', '--name', 'survivor', 'busybox', 'sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done']);
      await engine.docker(['run', '-d', '--name', 'ender', 'busybox', 'sh', '-c', 'sleep 2; exit 7']);
      const pid = Number((await engine.docker(['inspect', '-f', '{{.State.Pid}}', 'survivor'])).stdout.trim());
      assert.ok(pid > 0);
      await engine.kill9();
      await new Promise((r) => setTimeout(r, 3000));
      process.kill(pid, 0); // still running without a daemon
      await engine.restart();
      const { stdout: ps } = await engine.docker(['ps', '--format', '{{.Names}}']);
      assert.ok(ps.split('\n').includes('survivor'));
      const { stdout: ended } = await engine.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'ender']);
      assert.equal(ended.trim(), 'exited 7', 'an exit while the daemon was down is recorded');
      const before = (await engine.docker(['logs', 'survivor'])).stdout.split('\n').length;
      await waitFor('logs to continue', async () => (await engine.docker(['logs', 'survivor'])).stdout.split('\n').length > before + 3, 10000, 200);
      await engine.docker(['stop', '-t', '1', 'survivor']);
      const { stdout: code } = await engine.docker(['inspect', '-f', '{{.State.ExitCode}}', 'survivor']);
      assert.equal(code.trim(), '137');
      assert.throws(() => process.kill(pid, 0));
      await engine.docker(['rm', 'survivor', 'ender']);
    });
  });
}

suite('root', { runtime: 'auto' });

describe('resource limits through the docker CLI (root, cgroup v1)', function () {
  this.timeout(60000);
  let engine: TestEngine;
  before(async () => {
    engine = await startEngine({ runtime: 'auto' });
    await loadBusybox(engine);
  });
  after(async () => {
    if (!engine) return;
    await engine.docker(['rm', '-f', 'limited']).catch(() => undefined);
    await engine.stop();
  });

  it('sets memory, pids and CPU limits in the container cgroup', async () => {
    const { stdout } = await engine.docker(['run', '-d', '--name', 'limited', '-m', '64m', '--pids-limit', '50', '--cpus', '0.5', 'busybox', 'sleep', '300']);
    const cg = (ctrl: string, file: string) => fs.readFileSync(`/sys/fs/cgroup/${ctrl}/dockwright/${stdout.trim()}/${file}`, 'utf8').trim();
    assert.equal(cg('memory', 'memory.limit_in_bytes'), String(64 << 20));
    assert.equal(cg('pids', 'pids.max'), '50');
    assert.equal(cg('cpu', 'cpu.cfs_quota_us'), '50000');
  });
});
suite('rootless, non-root user', { asUser: 'dwrootless', runtime: 'rootless' });
