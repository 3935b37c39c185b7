// Containers on our engine next to dockerd (Debian's docker.io, the same docker CLI, the same
// busybox image from the local registry): the owners and modes of what `docker cp` (with and
// without -a) extracts and what it refuses to replace, named volumes populated from the image,
// the changes `docker diff` lists (the files bind-mounted at /etc/hosts, /etc/hostname and
// /etc/resolv.conf are no change, nor is the /etc that holds them), `docker update` and `-m` in
// the cgroup files, and some error messages.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tar from 'tar-stream';
import type { TestDockerd } from '../../harness/dockerd';
import { ensureUser, type TestEngine } from '../../harness/engine';
import { startSideBySide, type SideBySide } from '../../harness/sideBySide';
import { removeDir, tempDir } from '../../harness/services';

type Daemon = TestEngine | TestDockerd;

describe('containers next to dockerd: docker cp, volumes, diff, update (root)', function () {
  this.timeout(240000);
  let both: SideBySide;
  let engine: TestEngine;
  let dockerd: TestDockerd;
  let image: string;
  let dir: string;
  let owner: { uid: number; gid: number };
  let tarFile: string;
  let hostDir: string;

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    dir = tempDir('vs-dockerd');
    both = await startSideBySide();
    ({ engine, dockerd, image } = both);

    // a tar whose entries belong to 1234:5678, with modes of their own, a symlink and a `.wh.` name
    const src = path.join(dir, 'tarsrc');
    fs.mkdirSync(path.join(src, 'd/private'), { recursive: true });
    fs.writeFileSync(path.join(src, 'd/f'), 'f');
    fs.writeFileSync(path.join(src, 'd/private/g'), 'g');
    fs.writeFileSync(path.join(src, 'd/.wh.passwd'), 'not a whiteout');
    fs.symlinkSync('f', path.join(src, 'd/link'));
    fs.chmodSync(path.join(src, 'd/f'), 0o640);
    fs.chmodSync(path.join(src, 'd/private'), 0o700);
    tarFile = path.join(dir, 'owned.tar');
    execFileSync('tar', ['--owner=1234', '--group=5678', '--numeric-owner', '-cf', tarFile, '-C', src, 'd']);

    // a host directory of a non-root user, which the docker CLI tars with its owners
    owner = ensureUser('dwcpowner');
    hostDir = path.join(dir, 'hostdir');
    fs.mkdirSync(path.join(hostDir, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(hostDir, 'a'), 'a');
    fs.writeFileSync(path.join(hostDir, 'sub/b'), 'b');
    fs.chmodSync(path.join(hostDir, 'a'), 0o604);
    execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, hostDir]);
  });
  after(async () => {
    await both?.stop();
    if (dir) removeDir(dir);
  });

  /** A running container `name` on `d` (with `-u user` when given). */
  async function running(d: Daemon, name: string, user?: string): Promise<void> {
    await d.docker(['rm', '-f', name]).catch(() => undefined);
    await d.docker(['run', '-d', '--name', name, '--network', 'none', ...(user ? ['-u', user] : []), image, 'sleep', '300']);
  }

  /** `path uid:gid mode type` of everything below `dir` in the container, sorted (read as root). */
  async function owners(d: Daemon, name: string, dirIn: string): Promise<string[]> {
    const { stdout } = await d.docker(['exec', '-u', '0', name, 'sh', '-c', `cd ${dirIn} && find . -mindepth 1 | sort | xargs stat -c '%n %u:%g %a %F'`]);
    return stdout.trim().split('\n');
  }

  /** Copies the tar and the host directory (and one host file) into `dest` of `name` on `d`, then lists the owners. */
  async function copyIn(d: Daemon, name: string, dest: string, archive: boolean): Promise<string[]> {
    const a = archive ? ['-a'] : [];
    await d.docker(['exec', '-u', '0', name, 'mkdir', '-p', `${dest}/tar`, `${dest}/host`]);
    await d.docker(['cp', ...a, '-', `${name}:${dest}/tar`], { input: fs.readFileSync(tarFile) });
    await d.docker(['cp', ...a, hostDir, `${name}:${dest}/host/`]);
    await d.docker(['cp', ...a, path.join(hostDir, 'a'), `${name}:${dest}/host/single`]);
    return owners(d, name, dest);
  }

  const expectKept = (o: { uid: number; gid: number }) => [
    `./host 0:0 755 directory`,
    `./host/hostdir ${o.uid}:${o.gid} 755 directory`,
    `./host/hostdir/a ${o.uid}:${o.gid} 604 regular file`,
    `./host/hostdir/sub ${o.uid}:${o.gid} 755 directory`,
    `./host/hostdir/sub/b ${o.uid}:${o.gid} 644 regular file`,
    `./host/single ${o.uid}:${o.gid} 604 regular file`,
    `./tar 0:0 755 directory`,
    `./tar/d 1234:5678 755 directory`,
    `./tar/d/.wh.passwd 1234:5678 644 regular file`,
    `./tar/d/f 1234:5678 640 regular file`,
    `./tar/d/link 1234:5678 777 symbolic link`,
    `./tar/d/private 1234:5678 700 directory`,
    `./tar/d/private/g 1234:5678 644 regular file`,
  ];

  it('docker cp keeps the owners and modes of the tar and of the host files, as dockerd (with or without a container User)', async () => {
    for (const user of [undefined, 'nobody']) {
      const name = `cp-keep-${user ?? 'root'}`;
      const seen = [];
      for (const d of [engine, dockerd]) {
        await running(d, name, user);
        seen.push(await copyIn(d, name, '/in', false));
      }
      assert.deepEqual(seen[0], seen[1], `ours vs dockerd, User ${user ?? '(none)'}`);
      assert.deepEqual(seen[0], expectKept(owner));
      // the `.wh.` file is an ordinary file: /etc/passwd of the container is untouched
      assert.match((await engine.docker(['exec', name, 'cat', '/etc/passwd'])).stdout, /^root:/);
    }
  });

  it('docker cp -a gives everything to the container User, as dockerd; without a User it keeps the tar owners', async () => {
    const seen = [];
    for (const d of [engine, dockerd]) {
      await running(d, 'cp-a-nobody', 'nobody');
      seen.push(await copyIn(d, 'cp-a-nobody', '/in', true));
    }
    assert.deepEqual(seen[0], seen[1], 'ours vs dockerd, -a, User nobody');
    const nobody = expectKept({ uid: 65534, gid: 65534 }).map((l) => (l.startsWith('./host ') || l.startsWith('./tar ') ? l : l.replace(/ [0-9]+:[0-9]+ /, ' 65534:65534 ')));
    assert.deepEqual(seen[0], nobody);

    const plain = [];
    for (const d of [engine, dockerd]) {
      await running(d, 'cp-a-root');
      plain.push(await copyIn(d, 'cp-a-root', '/in', true));
    }
    assert.deepEqual(plain[0], plain[1], 'ours vs dockerd, -a, no User');
    assert.deepEqual(plain[0], expectKept(owner));
  });

  it('docker cp -a resolves the User in the container (uid:gid, names of its /etc/passwd); an unknown user is a clear error', async () => {
    // dockerd 20.10 looks the User up in the host's passwd database instead (and refuses uid:gid)
    await running(engine, 'cp-a-ids', '1000:1001');
    const got = await copyIn(engine, 'cp-a-ids', '/in', true);
    assert.ok(got.filter((l) => !/^\.\/(host|tar) /.test(l)).every((l) => l.includes(' 1000:1001 ')), got.join('\n'));
    // the user's entry gone from the container's passwd since it started
    await running(engine, 'cp-a-unknown', 'nobody');
    await engine.docker(['exec', '-u', '0', 'cp-a-unknown', 'sed', '-i', '/^nobody:/d', '/etc/passwd']);
    await assert.rejects(engine.docker(['cp', '-a', '-', 'cp-a-unknown:/tmp'], { input: fs.readFileSync(tarFile) }), /docker cp -a: unable to find user nobody: no matching entries in passwd file/);
    assert.equal((await engine.docker(['exec', 'cp-a-unknown', 'ls', '-A', '/tmp'])).stdout, '', 'nothing was extracted');
  });

  it('docker cp refuses to replace a directory with a file or a file with a directory, as dockerd', async () => {
    const one = async (name: string, entries: { name: string; dir?: boolean }[]) => {
      const src = path.join(dir, `over-${name}`);
      for (const e of entries) {
        if (e.dir) fs.mkdirSync(path.join(src, e.name), { recursive: true });
        else { fs.mkdirSync(path.dirname(path.join(src, e.name)), { recursive: true }); fs.writeFileSync(path.join(src, e.name), 'x'); }
      }
      const file = path.join(dir, `over-${name}.tar`);
      execFileSync('tar', ['-cf', file, '-C', src, entries[0].name]);
      return fs.readFileSync(file);
    };
    const fileOverDir = await one('fod', [{ name: 'bin' }]);
    const dirOverFile = await one('dof', [{ name: 'etc', dir: true }, { name: 'etc/passwd/x' }]);
    for (const d of [engine, dockerd]) {
      await running(d, 'cp-over');
      await assert.rejects(d.docker(['cp', '-', 'cp-over:/'], { input: fileOverDir }), /cannot overwrite directory "\/bin" with non-directory "\/"/);
      await assert.rejects(d.docker(['cp', '-', 'cp-over:/'], { input: dirOverFile }), /cannot overwrite non-directory "\/etc\/passwd" with directory "\/"/);
      // nothing was replaced
      assert.equal((await d.docker(['exec', 'cp-over', 'stat', '-c', '%F', '/bin', '/etc/passwd'])).stdout, 'directory\nregular file\n');
    }
  });

  it('a named volume gets the image content at its mount point with owners and modes, as dockerd (an empty directory its own owner and mode)', async () => {
    const ctx = path.join(dir, 'volctx');
    fs.mkdirSync(ctx, { recursive: true });
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), `FROM ${image}\nRUN mkdir -p /data/sub /empty && echo x > /data/sub/f && chown -R 1000:1000 /data /empty && chown 2000:3000 /data/sub/f && chmod 750 /data /empty && chmod 700 /data/sub\n`);
    const seen = [];
    for (const d of [engine, dockerd]) {
      await d.docker(['build', '-q', '-t', 'volimg', ctx]);
      await d.docker(['volume', 'rm', '-f', 'vs-data', 'vs-empty']).catch(() => undefined);
      const { stdout } = await d.docker(['run', '--rm', '--network', 'none', '-v', 'vs-data:/data', '-v', 'vs-empty:/empty', 'volimg', 'sh', '-c', 'find /data /empty | sort | xargs stat -c "%n %u:%g %a"']);
      seen.push(stdout.trim().split('\n'));
      await d.docker(['volume', 'rm', 'vs-data', 'vs-empty']);
    }
    assert.deepEqual(seen[0], seen[1]);
    assert.deepEqual(seen[0], ['/data 1000:1000 750', '/data/sub 1000:1000 700', '/data/sub/f 2000:3000 644', '/empty 1000:1000 750']);
  });

  it('kill and rename errors and Config.Hostname with the host network are dockerd\'s', async () => {
    const seen = [];
    for (const d of [engine, dockerd]) {
      await d.docker(['rm', '-f', 'err-a', 'err-b']).catch(() => undefined);
      await d.docker(['create', '--name', 'err-a', '--network', 'host', image, 'true']);
      const id = (await d.docker(['create', '--name', 'err-b', image, 'true'])).stdout.trim();
      const err = async (args: string[]) => (await d.docker(args).then(() => 'no error', (e: Error) => e.message)).replaceAll(id, '<id>').replace(/[0-9a-f]{64}/g, '<other>').trim();
      seen.push({
        kill: await err(['kill', 'err-b']),
        rename: await err(['rename', 'err-b', 'err-a']),
        hostname: (await d.docker(['inspect', '-f', '{{.Config.Hostname}}', 'err-a'])).stdout.trim(),
      });
    }
    assert.deepEqual(seen[0], seen[1]);
    assert.match(seen[0].kill, /Error response from daemon: Cannot kill container: err-b: Container <id> is not running/);
    assert.equal(seen[0].hostname, os.hostname());
  });

  it('docker run -m sets twice the memory as memory + swap, as dockerd', async () => {
    const seen = [];
    for (const d of [engine, dockerd]) {
      await d.docker(['rm', '-f', 'mem']).catch(() => undefined);
      await d.docker(['run', '-d', '--name', 'mem', '--network', 'none', '-m', '32m', image, 'sleep', '300']);
      const pid = (await d.docker(['inspect', '-f', '{{.State.Pid}}', 'mem'])).stdout.trim();
      const row = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').map((l) => l.split(':')).find((r) => r[1]?.split(',').includes('memory'));
      const f = (n: string) => fs.readFileSync(`/sys/fs/cgroup/memory${row![2]}/${n}`, 'utf8').trim();
      seen.push([f('memory.limit_in_bytes'), f('memory.memsw.limit_in_bytes'), (await d.docker(['inspect', '-f', '{{.HostConfig.MemorySwap}}', 'mem'])).stdout.trim()]);
    }
    assert.deepEqual(seen[0], seen[1]);
    assert.deepEqual(seen[0], [String(32 << 20), String(64 << 20), String(64 << 20)]);
  });

  it('docker update sets memory, CPU and pids limits of a running container now and for its next start, as dockerd', async () => {
    /** the container's cgroup files, found through /proc/<pid>/cgroup of its init (dockerd's and ours are in different places) */
    const limits = async (d: Daemon, name: string) => {
      const pid = (await d.docker(['inspect', '-f', '{{.State.Pid}}', name])).stdout.trim();
      const cg = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').map((l) => l.split(':'));
      const file = (ctrl: string, f: string) => {
        const row = cg.find((r) => r[1]?.split(',').includes(ctrl));
        return fs.readFileSync(`/sys/fs/cgroup/${ctrl}${row![2]}/${f}`, 'utf8').trim();
      };
      return { memory: file('memory', 'memory.limit_in_bytes'), memsw: file('memory', 'memory.memsw.limit_in_bytes'), pids: file('pids', 'pids.max'), quota: file('cpu', 'cpu.cfs_quota_us'), period: file('cpu', 'cpu.cfs_period_us') };
    };
    const seen = [];
    for (const d of [engine, dockerd]) {
      await running(d, 'upd');
      const { stdout } = await d.docker(['update', '--memory', '64m', '--memory-swap', '128m', '--pids-limit', '77', '--cpus', '0.5', 'upd']);
      assert.equal(stdout.trim(), 'upd', 'no warnings');
      const now = await limits(d, 'upd');
      const hc = (await d.docker(['inspect', '-f', '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}', 'upd'])).stdout.trim();
      await d.docker(['restart', '-t', '0', 'upd']);
      seen.push({ now, hc, afterRestart: await limits(d, 'upd') });
    }
    assert.deepEqual(seen[0], seen[1]);
    assert.deepEqual(seen[0].now, { memory: String(64 << 20), memsw: String(128 << 20), pids: '77', quota: '50000', period: '100000' });
    assert.equal(seen[0].hc, `${64 << 20} ${128 << 20} 500000000 77`);
    // dockerd's rules for memory and swap
    await assert.rejects(engine.docker(['update', '--memory', '256m', 'upd']), /Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time/);
    await assert.rejects(engine.docker(['update', '--memory', '64m', '--memory-swap', '32m', 'upd']), /Minimum memoryswap limit should be larger than memory limit/);
    await assert.rejects(engine.docker(['update', '--cpus', '0.5', '--cpu-quota', '1000', 'upd']), /Conflicting options: Nano CPUs and CPU Period cannot both be set/);
  });

  it('every container has /.dockerenv and /etc/mtab as with dockerd\'s init layer: in export, not in diff or commit', async () => {
    const observe = async (d: Daemon) => {
      await d.docker(['rm', '-f', 'initfiles']).catch(() => undefined);
      const seen = (await d.docker(['run', '--name', 'initfiles', '--network', 'none', image, 'sh', '-c', "stat -c '%n %s %a %F' /.dockerenv; readlink /etc/mtab"])).stdout;
      const diff = (await d.docker(['diff', 'initfiles'])).stdout;
      const exported = await new Promise<string[]>((resolve, reject) => {
        const extract = tar.extract();
        const found: string[] = [];
        extract.on('entry', (h, stream, next) => { if (/^\.?\/?(\.dockerenv|etc\/mtab)$/.test(h.name)) found.push(`${h.name.replace(/^\.?\//, '')} ${h.type}`); stream.resume(); stream.on('end', next); });
        extract.on('finish', () => resolve(found.sort()));
        extract.on('error', reject);
        const p = spawn('docker', ['-H', d.host, 'export', 'initfiles']);
        p.stdout.pipe(extract);
      });
      await d.docker(['commit', 'initfiles', 'initfiles:committed']);
      const committed = (await d.docker(['run', '--rm', '--network', 'none', 'initfiles:committed', 'sh', '-c', 'ls -a / | grep -c dockerenv; true'])).stdout;
      await d.docker(['rmi', 'initfiles:committed']).catch(() => undefined);
      return { seen, diff, exported, committed };
    };
    const ours = await observe(engine);
    assert.deepEqual(ours, await observe(dockerd));
    assert.equal(ours.seen, '/.dockerenv 0 755 regular empty file\n/proc/mounts\n');
    assert.equal(ours.diff, '');
    assert.deepEqual(ours.exported, ['.dockerenv file', 'etc/mtab symlink']);
  });

  /** `docker diff` of a container that ran `cmd` on `d`, sorted (dockerd's order is not defined). */
  async function diffOf(d: Daemon, name: string, cmd: string): Promise<string[]> {
    await d.docker(['rm', '-f', name]).catch(() => undefined);
    await d.docker(['run', '--name', name, '--network', 'none', image, 'sh', '-c', cmd]);
    return (await d.docker(['diff', name])).stdout.split('\n').filter(Boolean).sort();
  }

  const diffCases: [string, string, string[]][] = [
    ['nothing', 'true', []],
    ['the bind-mounted files', 'echo x >> /etc/hosts; echo y > /etc/hostname; cat /etc/resolv.conf > /dev/null', []],
    ['a new file in /etc', 'touch /etc/newfile', ['A /etc/newfile', 'C /etc']],
    ['a changed /etc', 'chmod 0700 /etc', ['C /etc']],
    ['files elsewhere', 'mkdir -p /tmp/a && echo z > /tmp/a/b && rm /bin/ls && echo r >> /etc/passwd',
      ['A /tmp/a', 'A /tmp/a/b', 'C /bin', 'C /etc', 'C /etc/passwd', 'C /tmp', 'D /bin/ls']],
  ];
  for (const [what, cmd, expected] of diffCases) {
    it(`docker diff after ${what} is dockerd's`, async () => {
      const name = `diff-${what.replace(/\W+/g, '-')}`;
      const [ours, theirs] = [await diffOf(engine, name, cmd), await diffOf(dockerd, name, cmd)];
      assert.deepEqual(ours, theirs);
      assert.deepEqual(ours, expected);
    });
  }
});
