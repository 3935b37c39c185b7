// The builder through Dockwright's API: BuildKit-only features the classic dockerd cannot serve as a
// reference for (heredocs, --chmod, --parents, --exclude, expansion modifiers, only-needed stages,
// FROM scratch PATH), the content-based cache, the local-directory fast path, cancellation on
// disconnect, and an image built here pushed to the registry, pulled and run by dockerd.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { startDockerd, type TestDockerd } from '../../harness/dockerd';
import { startEngine, type TestEngine } from '../../harness/engine';
import { pushBusyboxImage } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { removeDir, tempDir, waitFor } from '../../harness/services';
import { buildCases } from './cases';
import { flattenStoreImage, snapshotDir } from './flatten';
import { assertHostProbes, assertIsolatedProbes, netProbeContext, netProbeHostContext, startNetProbeServers } from './netProbe';
import { openImageStore } from '../../../engine/image';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';

const CLASSIC = { DOCKER_BUILDKIT: '0' };

/** POST /build over the unix socket; resolves with the parsed JSON messages. */
function apiBuild(socketPath: string, query: Record<string, string>, onMessage?: (m: Record<string, unknown>, req: http.ClientRequest) => void): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method: 'POST', path: `/v1.41/build?${new URLSearchParams(query)}`, headers: { 'Content-Type': 'application/x-tar' } }, (res) => {
      const msgs: Record<string, unknown>[] = [];
      let buf = '';
      res.on('data', (c: Buffer) => {
        buf += c.toString('utf8');
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (!line) continue;
          const m = JSON.parse(line) as Record<string, unknown>;
          msgs.push(m);
          onMessage?.(m, req);
        }
      });
      res.on('end', () => resolve(msgs));
      res.on('error', (e) => (req.destroyed ? resolve(msgs) : reject(e)));
    });
    req.on('error', (e) => (req.destroyed ? resolve([]) : reject(e)));
    req.end();
  });
}

const streamText = (msgs: Record<string, unknown>[]) => msgs.map((m) => (m.stream as string) ?? (m.error ? `ERROR: ${m.error}` : '')).join('');

describe('build: Dockwright engine', function () {
  this.timeout(10 * 60_000);
  let registry: TestRegistry;
  let engine: TestEngine;
  let dockerd: TestDockerd;
  let work: string;
  let base: string;

  before(async () => {
    work = tempDir('build-engine');
    registry = await startRegistry();
    [engine, dockerd] = await Promise.all([startEngine(), startDockerd()]);
    await pushBusyboxImage(registry.host, 'busybox', 'latest');
    base = `${registry.host}/busybox:latest`;
    await engine.docker(['pull', '-q', base]);
  });
  after(async () => {
    await Promise.allSettled([engine?.stop(), dockerd?.stop(), registry?.stop()]);
    if (work) removeDir(work);
  });

  function context(name: string, files: Record<string, string>): string {
    const dir = path.join(work, name);
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), content.replaceAll('{{BASE}}', base));
    }
    return dir;
  }
  const build = (dir: string, ...args: string[]) => engine.docker(['build', '--network=none', ...args, dir], { env: CLASSIC, timeoutMs: 300_000 });

  it('BuildKit-only syntax: heredocs, --chmod, --parents, --exclude, expansion modifiers, scratch PATH', async () => {
    const dir = context('buildkit-only', {
      Dockerfile: `# syntax=docker/dockerfile:1
FROM {{BASE}} AS main
ARG FILE=archive.tar.gz
ENV STEM=\${FILE%%.*} EXT=\${FILE#*.} SWAP=\${FILE/tar/zip}
COPY --chmod=0751 a.sh /bin/a.sh
COPY --parents src/x/keep.txt src/y/keep.txt /tree/
COPY --exclude=*.log logs /logs/
COPY <<EOF /etc/heredoc.conf
stem=\${STEM}
EOF
RUN <<EOT
echo "from heredoc $STEM" > /heredoc-run
EOT
RUN cat <<EOF > /heredoc-cat && cat <<'RAW' > /heredoc-raw
home=$HOME
EOF
home=$HOME
RAW
FROM scratch AS empty
COPY --from=main /heredoc-run /
`,
      'a.sh': '#!/bin/sh\n', 'src/x/keep.txt': 'x', 'src/y/keep.txt': 'y', 'logs/a.log': 'drop', 'logs/b.txt': 'keep',
    });
    await build(dir, '-t', 'bk:first', '--target', 'main');
    const out = path.join(work, 'bk-flat');
    await flattenStoreImage(engine.dataRoot, 'bk:first', out);
    const v = snapshotDir(out);
    assert.equal(v['/bin/a.sh'].mode, '751');
    assert.ok(v['/tree/src/x/keep.txt'] && v['/tree/src/y/keep.txt']);
    assert.deepEqual(Object.keys(v).filter((k) => k.startsWith('/logs/')), ['/logs/b.txt']);
    assert.equal(fs.readFileSync(path.join(out, 'etc/heredoc.conf'), 'utf8'), 'stem=archive\n');
    assert.equal(fs.readFileSync(path.join(out, 'heredoc-run'), 'utf8'), 'from heredoc archive\n');
    assert.equal(fs.readFileSync(path.join(out, 'heredoc-cat'), 'utf8'), 'home=/root\n');
    assert.equal(fs.readFileSync(path.join(out, 'heredoc-raw'), 'utf8'), 'home=$HOME\n');
    const env = JSON.parse((await engine.docker(['image', 'inspect', '--format', '{{json .Config.Env}}', 'bk:first'])).stdout) as string[];
    assert.ok(env.includes('STEM=archive') && env.includes('EXT=tar.gz') && env.includes('SWAP=archive.zip.gz'), env.join(' '));
    await build(dir, '-t', 'bk:scratch');
    const scratchEnv = JSON.parse((await engine.docker(['image', 'inspect', '--format', '{{json .Config.Env}}', 'bk:scratch'])).stdout) as string[];
    assert.deepEqual(scratchEnv, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  });

  it('builds only the stages the target needs (an unused failing stage is skipped)', async () => {
    const dir = context('needed-stages', {
      Dockerfile: 'FROM {{BASE}} AS broken\nRUN exit 3\nFROM {{BASE}} AS ok\nRUN echo ok > /ok\n',
    });
    const r = await build(dir, '-t', 'needed:ok');
    assert.doesNotMatch(r.stdout, /exit 3/);
    await assert.rejects(build(dir, '--target', 'broken'), /returned a non-zero code: 3/);
  });

  it('independent stages run in parallel and a failing stage stops the others', async () => {
    const dir = context('parallel', {
      Dockerfile: 'FROM {{BASE}} AS slow\nRUN sleep 3132\nFROM {{BASE}} AS failing\nRUN sleep 1 && exit 5\nFROM {{BASE}}\nCOPY --from=slow /etc/passwd /a\nCOPY --from=failing /etc/passwd /b\n',
    });
    const t0 = Date.now();
    await assert.rejects(build(dir), /returned a non-zero code: 5/);
    assert.ok(Date.now() - t0 < 60_000, 'the build did not wait for the slow stage');
    await waitFor('the slow stage to be killed', () => {
      try {
        execFileSync('pgrep', ['-f', 'sleep 3132']);
        return false;
      } catch {
        return true;
      }
    }, 20_000, 200);
  });

  it('RUN sees /etc/hosts with --add-host entries and /etc/resolv.conf, which stay out of the image', async () => {
    const dir = context('hosts', { Dockerfile: 'FROM {{BASE}}\nRUN grep myhost /etc/hosts > /found && grep -c localhost /etc/hosts > /local && test -f /etc/resolv.conf\n' });
    await build(dir, '--add-host', 'myhost:10.1.2.3', '-t', 'hosts:1');
    const out = path.join(work, 'hosts-flat');
    await flattenStoreImage(engine.dataRoot, 'hosts:1', out);
    assert.equal(fs.readFileSync(path.join(out, 'found'), 'utf8'), '10.1.2.3\tmyhost\n');
    assert.ok(!fs.existsSync(path.join(out, 'etc/hosts')) && !fs.existsSync(path.join(out, 'etc/resolv.conf')), 'mount stubs removed');
  });

  it('RUN --network=host is an entitlement: refused unless the build asks for the host network', async () => {
    const dir = context('net-host', { Dockerfile: 'FROM {{BASE}}\nRUN --network=host echo on-host > /net\n' });
    await assert.rejects(build(dir, '-t', 'net-host:1'), /network\.host entitlement/);
    await engine.docker(['build', '--network=host', '-t', 'net-host:2', dir], { env: CLASSIC, timeoutMs: 300_000 });
  });

  it('RUN steps run under the default seccomp filter (as BuildKit\'s); --security=insecure is refused without its entitlement', async () => {
    const dir = context('seccomp', { Dockerfile: 'FROM {{BASE}}\nRUN grep Seccomp: /proc/self/status > /seccomp; if unshare -U true 2>/dev/null; then echo allowed; else echo refused; fi > /userns\n' });
    await build(dir, '-t', 'seccomp:1');
    const out = path.join(work, 'seccomp-flat');
    await flattenStoreImage(engine.dataRoot, 'seccomp:1', out);
    assert.equal(fs.readFileSync(path.join(out, 'seccomp'), 'utf8'), 'Seccomp:\t2\n');
    assert.equal(fs.readFileSync(path.join(out, 'userns'), 'utf8'), 'refused\n');
    const insecure = context('insecure', { Dockerfile: 'FROM {{BASE}}\nRUN --security=insecure true\n' });
    await assert.rejects(build(insecure, '-t', 'insecure:1'), /security\.insecure entitlement/);
  });

  it('RUN networks: default = an own namespace with outbound access but not the host\'s loopback; none = nothing; host (entitled) = the host\'s', async () => {
    const servers = await startNetProbeServers();
    try {
      await engine.docker(['build', '--no-cache', '-t', 'net-probe:1', netProbeContext(path.join(work, 'net-probe'), base, servers)], { env: CLASSIC, timeoutMs: 300_000 });
      const flat = path.join(work, 'net-probe-flat');
      await flattenStoreImage(engine.dataRoot, 'net-probe:1', flat);
      assertIsolatedProbes(flat);
      await engine.docker(['build', '--no-cache', '--network=host', '-t', 'net-probe:2', netProbeHostContext(path.join(work, 'net-probe-host'), base, servers)], { env: CLASSIC, timeoutMs: 300_000 });
      const hostFlat = path.join(work, 'net-probe-host-flat');
      await flattenStoreImage(engine.dataRoot, 'net-probe:2', hostFlat);
      assertHostProbes(hostFlat);
      // every step's slirp4netns went with its step
      const left = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
        try {
          const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
          return /\(slirp4netns\)/.test(stat) && Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === engine.process.pid;
        } catch {
          return false;
        }
      });
      assert.deepEqual(left, [], 'no slirp4netns of the engine left running');
    } finally {
      await servers.close();
    }
  });

  it('refuses a foreign platform clearly', async () => {
    const dir = context('platform', { Dockerfile: 'FROM {{BASE}}\n' });
    await assert.rejects(build(dir, '--platform', 'linux/s390x'), /only for the host platform/);
  });

  it('cache: a no-op rebuild reuses every step; a changed file rebuilds from the first step using it', async () => {
    const dir = context('cache', {
      Dockerfile: 'FROM {{BASE}}\nCOPY one.txt /one\nRUN echo run1 > /r1\nCOPY two.txt /two\nRUN cat /two > /r2\n',
      'one.txt': '1', 'two.txt': '2',
    });
    const first = await build(dir, '-t', 'cache:1');
    assert.doesNotMatch(first.stdout, /Using cache/);
    const id1 = (await engine.docker(['image', 'inspect', '--format', '{{.Id}}', 'cache:1'])).stdout.trim();
    fs.utimesSync(path.join(dir, 'one.txt'), new Date(0), new Date(0));
    const again = await build(dir, '-t', 'cache:2');
    assert.equal(again.stdout.match(/Using cache/g)?.length, 4, again.stdout);
    assert.equal((await engine.docker(['image', 'inspect', '--format', '{{.Id}}', 'cache:2'])).stdout.trim(), id1, 'same image ID');
    fs.writeFileSync(path.join(dir, 'two.txt'), 'changed');
    const changed = await build(dir, '-t', 'cache:3');
    assert.equal(changed.stdout.match(/Using cache/g)?.length, 2, changed.stdout);
    assert.match(changed.stdout, /Step 4\/5 : COPY two.txt \/two\n ---> [0-9a-f]{12}/);
    const noCache = await build(dir, '--no-cache', '-t', 'cache:4');
    assert.doesNotMatch(noCache.stdout, /Using cache/);
  });

  it('SOURCE_DATE_EPOCH makes rebuilds reproducible: same image ID without the cache', async () => {
    const dir = context('epoch', {
      Dockerfile: 'FROM {{BASE}}\nCOPY f /f\nRUN touch /touched && mkdir /made && echo same > /made/file\nENV X=1\n',
      f: 'content',
    });
    const ids: string[] = [];
    for (const tag of ['epoch:1', 'epoch:2']) {
      await build(dir, '--no-cache', '--build-arg', 'SOURCE_DATE_EPOCH=1700000000', '-t', tag);
      ids.push((await engine.docker(['image', 'inspect', '--format', '{{.Id}} {{.Created}}', tag])).stdout.trim());
      await new Promise((r) => setTimeout(r, 1100));
    }
    const out = path.join(work, 'epoch-flat');
    await flattenStoreImage(engine.dataRoot, 'epoch:1', out);
    assert.equal(fs.statSync(path.join(out, 'touched')).mtimeMs, 1_700_000_000_000);
    assert.match(ids[0], /2023-11-14T22:13:20Z$/);
    assert.equal(ids[1], ids[0], 'a --no-cache rebuild a second later gives the same image ID');
  });

  it('local-directory fast path (unix socket only) applies .dockerignore like the CLI', async () => {
    const dir = context('fastpath', {
      Dockerfile: 'FROM {{BASE}}\nCOPY . /ctx/\n',
      '.dockerignore': '*.log\n!keep.log\nnode_modules\n',
      'a.log': 'x', 'keep.log': 'k', 'node_modules/m/index.js': 'm', 'src/main.js': 'main',
    });
    await build(dir, '-t', 'fast:cli');
    const msgs = await apiBuild(engine.socketPath, { 'dockwright.contextDir': dir, t: 'fast:dir' });
    assert.ok(msgs.some((m) => (m.aux as { ID?: string })?.ID?.startsWith('sha256:')), streamText(msgs));
    const a = path.join(work, 'fast-cli');
    const b = path.join(work, 'fast-dir');
    await flattenStoreImage(engine.dataRoot, 'fast:cli', a);
    await flattenStoreImage(engine.dataRoot, 'fast:dir', b);
    const ctxFiles = (v: ReturnType<typeof snapshotDir>) => Object.keys(v).filter((k) => k.startsWith('/ctx/')).sort();
    assert.deepEqual(ctxFiles(snapshotDir(b)), ctxFiles(snapshotDir(a)));
    assert.deepEqual(ctxFiles(snapshotDir(b)), ['/ctx/.dockerignore', '/ctx/Dockerfile', '/ctx/keep.log', '/ctx/src', '/ctx/src/main.js']);
    const rel = await apiBuild(engine.socketPath, { 'dockwright.contextDir': 'relative/dir' });
    assert.match(streamText(rel), /must be absolute/);
  });

  it('local-directory fast path walks excluded directories like the CLI for ** patterns and exceptions', async () => {
    const c = (await buildCases()).find((x) => x.name === 'dockerignore-doublestar')!;
    const dir = context('fastpath-doublestar', { ...(c.files as Record<string, string>), Dockerfile: c.dockerfile });
    await build(dir, '-t', 'fast2:cli');
    const msgs = await apiBuild(engine.socketPath, { 'dockwright.contextDir': dir, t: 'fast2:dir' });
    assert.ok(msgs.some((m) => (m.aux as { ID?: string })?.ID?.startsWith('sha256:')), streamText(msgs));
    const listing = async (tag: string) => {
      const out = path.join(work, tag.replace(':', '-'));
      await flattenStoreImage(engine.dataRoot, tag, out);
      return Object.keys(snapshotDir(out)).filter((k) => k.startsWith('/ctx/')).sort();
    };
    const viaCli = await listing('fast2:cli');
    assert.deepEqual(await listing('fast2:dir'), viaCli);
    assert.ok(viaCli.includes('/ctx/src/main.go') && !viaCli.includes('/ctx/README.md'), viaCli.join(' '));
  });

  it('a client that disconnects cancels the build: the process is killed and the snapshot removed', async () => {
    const dir = context('cancel', { Dockerfile: 'FROM {{BASE}}\nRUN echo started && sleep 3131\n' });
    const msgs = await apiBuild(engine.socketPath, { 'dockwright.contextDir': dir }, (m, req) => {
      if (m.stream === 'started\n') req.destroy();
    });
    assert.ok(msgs.some((m) => m.stream === 'started\n'), 'the RUN step started');
    await waitFor('the RUN process to be killed', () => {
      try {
        execFileSync('pgrep', ['-f', 'sleep 3131']);
        return false;
      } catch {
        return true;
      }
    }, 20_000, 200);
    const active = path.join(engine.dataRoot, 'snapshots/active');
    await waitFor('build snapshots to be removed', () => !fs.existsSync(active) || fs.readdirSync(active).every((n) => !n.startsWith('build-')), 20_000, 200);
  });

  it('RUN --mount: cache persists across builds, tmpfs is not kept, bind from a stage resolves inside that stage', async () => {
    const dir = context('mounts', {
      Dockerfile: `FROM {{BASE}} AS files
RUN mkdir -p /data && echo from-stage > /data/x && ln -s / /data/root-link
FROM {{BASE}}
ARG ROUND=1
RUN --mount=type=cache,target=/cache,id=bench-cache echo "round $ROUND" >> /cache/log && cat /cache/log > /cache-seen
RUN --mount=type=tmpfs,target=/scratch touch /scratch/temp && ls /scratch > /tmpfs-seen
RUN --mount=type=bind,from=files,source=/data,target=/mnt cat /mnt/x > /bound && ls /mnt/root-link/ > /link-listing
RUN --mount=type=bind,from=files,source=/data/root-link,target=/mnt2 ls /mnt2 > /via-link
`,
    });
    await build(dir, '-t', 'mounts:1', '--build-arg', 'ROUND=1');
    await build(dir, '-t', 'mounts:2', '--build-arg', 'ROUND=2');
    const out = path.join(work, 'mounts-flat');
    await flattenStoreImage(engine.dataRoot, 'mounts:2', out);
    assert.equal(fs.readFileSync(path.join(out, 'cache-seen'), 'utf8'), 'round 1\nround 2\n');
    for (const stub of ['cache', 'scratch', 'mnt', 'mnt2']) assert.ok(!fs.existsSync(path.join(out, stub)), `mount stub /${stub} is not in the image`);
    assert.equal(fs.readFileSync(path.join(out, 'tmpfs-seen'), 'utf8'), 'temp\n');
    assert.ok(!fs.existsSync(path.join(out, 'scratch/temp')));
    assert.equal(fs.readFileSync(path.join(out, 'bound'), 'utf8'), 'from-stage\n');
    // `source=/data/root-link` (a link to /) is the stage's root, never the host's (CVE-2024-1753)
    const listing = fs.readFileSync(path.join(out, 'via-link'), 'utf8').split('\n');
    assert.ok(listing.includes('data') && listing.includes('bin') && !listing.includes('work'), listing.join(' '));
  });

  it('ADD of an http URL verifies --checksum and writes a 0600 file named after the URL', async () => {
    const body = 'remote content\n';
    const server = http.createServer((_req, res) => res.end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/files/remote.txt`;
      const sum = `sha256:${createHash('sha256').update(body).digest('hex')}`;
      const ok = context('add-url', { Dockerfile: `FROM {{BASE}}\nADD --checksum=${sum} ${url} /dl/\n` });
      await build(ok, '-t', 'addurl:1');
      const out = path.join(work, 'addurl-flat');
      await flattenStoreImage(engine.dataRoot, 'addurl:1', out);
      assert.equal(fs.readFileSync(path.join(out, 'dl/remote.txt'), 'utf8'), body);
      assert.equal(fs.statSync(path.join(out, 'dl/remote.txt')).mode & 0o777, 0o600);
      const bad = context('add-url-bad', { Dockerfile: `FROM {{BASE}}\nADD --checksum=sha256:${'0'.repeat(64)} ${url} /dl/\n` });
      await assert.rejects(build(bad), /digest mismatch/);
    } finally {
      server.close();
    }
  });

  it('build cache shows in docker system df and docker builder prune empties it', async () => {
    await build(context('before-prune', { Dockerfile: 'FROM {{BASE}}\nRUN echo cached > /cached\n' }), '-t', 'before-prune:1');
    const df = await engine.docker(['system', 'df', '--format', '{{.Type}} {{.TotalCount}}']);
    const count = Number(/Build Cache (\d+)/.exec(df.stdout)?.[1]);
    assert.ok(count > 0, df.stdout);
    const pruned = await engine.docker(['builder', 'prune', '-f']);
    assert.match(pruned.stdout, /Total:?\s+(reclaimed space:\s+)?[\d.]+\s?[kMG]?B/i);
    const after = await engine.docker(['system', 'df', '--format', '{{.Type}} {{.TotalCount}}']);
    assert.match(after.stdout, /Build Cache 0/);
    const dir = context('after-prune', { Dockerfile: 'FROM {{BASE}}\nRUN echo again > /again\n' });
    const rebuilt = await build(dir, '-t', 'after-prune:1');
    assert.doesNotMatch(rebuilt.stdout, /Using cache/);
  });

  it('cached layers are GC roots: removing and pruning the image keeps them, so a rebuild still hits the cache', async () => {
    const dir = context('gc-roots', { Dockerfile: 'FROM {{BASE}}\nRUN echo kept > /kept\nCOPY f /f\n', f: 'x' });
    await build(dir, '-t', 'gc-roots:1');
    // rmi frees an image's unshared blobs at once; only the cache's roots keep these layers
    await engine.docker(['rmi', 'gc-roots:1']);
    await engine.docker(['image', 'prune', '-f']);
    const rebuilt = await build(dir, '-t', 'gc-roots:2');
    assert.equal(rebuilt.stdout.match(/Using cache/g)?.length, 2, rebuilt.stdout);
    const out = path.join(work, 'gc-roots-flat');
    await flattenStoreImage(engine.dataRoot, 'gc-roots:2', out);
    assert.equal(fs.readFileSync(path.join(out, 'kept'), 'utf8'), 'kept\n');
  });

  it('after a daemon crash mid-build, a restart kills the step, removes its mounts and builds again', async () => {
    const dir = context('crash', { Dockerfile: 'FROM {{BASE}}\nCOPY Dockerfile /d\nRUN echo crash-started && sleep 3133\n' });
    await new Promise<void>((resolve) => {
      void apiBuild(engine.socketPath, { 'dockwright.contextDir': dir }, (m) => {
        if (m.stream === 'crash-started\n') resolve();
      });
    });
    await engine.kill9();
    await engine.restart();
    const steps = path.join(engine.dataRoot, 'build/steps');
    await waitFor('the orphaned step to be killed', () => {
      try {
        execFileSync('pgrep', ['-f', 'sleep 3133']);
        return false;
      } catch {
        return true;
      }
    }, 20_000, 200);
    assert.doesNotMatch(fs.readFileSync('/proc/self/mountinfo', 'utf8'), new RegExp(steps.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    // the steps dir itself is made again (empty, marked for the allocator); nothing of the crashed build is left
    assert.deepEqual(fs.existsSync(steps) ? fs.readdirSync(steps) : [], []);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${base}\nRUN echo after-crash > /ok\n`);
    await build(dir, '-t', 'after-crash:1');
  });

  it('COPY --link writes a layer of its own: dest dirs 0755 root whatever the lower layers have, a lower symlink replaced, not followed', async () => {
    const dir = context('link', {
      Dockerfile: `FROM {{BASE}}
RUN mkdir -p /dst /target && chmod 700 /dst && echo old > /dst/keep && chown 1000:1000 /dst && ln -s /target /lnk
COPY --link f /dst/
COPY --link f /lnk/
COPY --link --chown=app:app f /owned/
COPY f /plain/
COPY f /lnk2/
`,
      f: 'F\n',
    });
    await build(dir, '-t', 'link:1');
    const images = openImageStore(engine.dataRoot);
    const { manifest } = await images.manifest(await images.resolve('link:1'));
    const entries = async (digest: string) => {
      const out: string[] = [];
      const ex = tar.extract();
      ex.on('entry', (h, st, next) => { out.push(`${h.name} ${h.type} ${(h.mode! & 0o7777).toString(8)} ${h.uid}:${h.gid}`); st.resume(); next(); });
      await pipeline(await images.content.openLayer(digest), ex);
      return out;
    };
    const layers = manifest.layers.slice(-5);
    // the --link layers hold only what was copied, with new parents 0755 root — not /dst's 0700 1000:1000
    assert.deepEqual(await entries(layers[0].digest), ['dst/ directory 755 0:0', 'dst/f file 644 0:0']);
    assert.deepEqual(await entries(layers[1].digest), ['lnk/ directory 755 0:0', 'lnk/f file 644 0:0']);
    assert.deepEqual(await entries(layers[2].digest), ['owned/ directory 755 1000:1000', 'owned/f file 644 1000:1000'], 'names resolve in the stage');
    const out = path.join(work, 'link-flat');
    await flattenStoreImage(engine.dataRoot, 'link:1', out);
    assert.equal(fs.readFileSync(path.join(out, 'dst/keep'), 'utf8'), 'old\n', 'the layer merges with what is below');
    assert.ok(fs.lstatSync(path.join(out, 'lnk')).isDirectory(), 'the symlink was replaced by the layer dir');
    assert.ok(!fs.existsSync(path.join(out, 'target/f')));
    // a plain COPY in the same image is where it always was
    assert.ok(fs.existsSync(path.join(out, 'plain/f')));
    const again = await build(dir, '-t', 'link:2');
    assert.equal(again.stdout.match(/Using cache/g)?.length, 6, again.stdout);
  });

  it('an image built here, pushed to the registry, is pulled and run by dockerd', async () => {
    const dir = context('push', {
      Dockerfile: 'FROM {{BASE}}\nCOPY msg.txt /msg.txt\nRUN echo built-by-dockwright >> /msg.txt\nCMD ["cat", "/msg.txt"]\n',
      'msg.txt': 'hello from the context\n',
    });
    const ref = `${registry.host}/built/by-dockwright:1`;
    await build(dir, '--pull', '-t', ref);
    await engine.docker(['push', ref]);
    await dockerd.docker(['pull', '-q', ref]);
    const out = await dockerd.docker(['run', '--rm', '--network=none', ref]);
    assert.equal(out.stdout, 'hello from the context\nbuilt-by-dockwright\n');
  });
});
