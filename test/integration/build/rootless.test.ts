// The builder in a daemon running as an ordinary user (copying snapshots). With a /etc/subuid and
// /etc/subgid range (made here, as on a fresh machine) it builds in the containers' user namespace
// (crun there; snapshots unpacked, owned and diffed by dist/files.js): RUN chown results, a
// passwd entry added by RUN, COPY --chown to other ids, WORKDIR under USER and the base image's
// owners come out of the layers exactly as a root daemon writes them. Without a range it falls
// back to bubblewrap's single-uid mapping (said once in the log). Both: COPY and RUN work, the
// daemon user's files are root's in the image, and the RUN networks (netProbe.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar-stream';
import { openImageStore } from '../../../engine/image';
import { startEngine, type TestEngine } from '../../harness/engine';
import { pushBusyboxImage, tarOf } from '../../harness/images';
import { dropSubordinateIds, ensureSubordinateIds } from '../../harness/subordinateIds';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { removeDir, tempDir } from '../../harness/services';
import { flattenStoreImage, snapshotDir } from './flatten';
import { assertHostProbes, assertIsolatedProbes, netProbeContext, netProbeHostContext, startNetProbeServers } from './netProbe';

const CLASSIC = { DOCKER_BUILDKIT: '0' };

/** Per layer of `ref` in a data root: `name type mode uid:gid` of every tar entry, in order. */
async function layerOwners(dataRoot: string, ref: string): Promise<string[][]> {
  const images = openImageStore(dataRoot);
  const { manifest } = await images.manifest(await images.resolve(ref));
  const out: string[][] = [];
  for (const l of manifest.layers) {
    const lines: string[] = [];
    const ex = tar.extract();
    ex.on('entry', (h, stream, next) => {
      lines.push(`${h.name.replace(/\/$/, '')} ${h.type} ${(h.mode ?? 0).toString(8)} ${h.uid}:${h.gid}`);
      stream.on('end', next);
      stream.resume();
    });
    const done = new Promise<void>((resolve, reject) => { ex.on('finish', resolve); ex.on('error', reject); });
    (await images.content.openLayer(l.digest)).pipe(ex);
    await done;
    out.push(lines);
  }
  return out;
}

/** A work dir, a registry with busybox and a daemon run as `user` (with or without a subordinate id range) that has pulled it. */
async function startRootlessBuilder(user: string, subordinateIds: boolean): Promise<{ registry: TestRegistry; engine: TestEngine; work: string }> {
  const work = tempDir(`build-rootless-${user}`);
  fs.chmodSync(work, 0o755);
  const registry = await startRegistry();
  if (subordinateIds) ensureSubordinateIds(user);
  else dropSubordinateIds(user);
  const engine = await startEngine({ asUser: user });
  await pushBusyboxImage(registry.host, 'busybox', 'latest');
  await engine.docker(['pull', '-q', `${registry.host}/busybox:latest`]);
  return { registry, engine, work };
}

describe('build: rootless daemon with subordinate ids', function () {
  this.timeout(5 * 60_000);
  let registry: TestRegistry;
  let engine: TestEngine;
  let work: string;

  before(async () => {
    ({ registry, engine, work } = await startRootlessBuilder('dwbuilder', true));
  });
  after(async () => {
    await Promise.allSettled([engine?.stop(), registry?.stop()]);
    if (work) removeDir(work);
  });

  it('builds COPY and RUN steps; files of the daemon user are root-owned in the image', async () => {
    const ctx = path.join(work, 'ctx');
    fs.mkdirSync(ctx);
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), `FROM ${registry.host}/busybox:latest\nCOPY a.txt /a.txt\nRUN id -u > /uid && echo hi > /hi\nCMD ["cat", "/hi"]\n`);
    fs.writeFileSync(path.join(ctx, 'a.txt'), 'A');
    const r = await engine.docker(['build', '--network=none', '-t', 'rootless:1', ctx], { env: CLASSIC });
    assert.match(r.stdout, /Successfully tagged rootless:1/);
    const out = path.join(work, 'flat');
    await flattenStoreImage(engine.dataRoot, 'rootless:1', out);
    const v = snapshotDir(out);
    for (const p of ['/a.txt', '/uid', '/hi']) assert.deepEqual([v[p].uid, v[p].gid], [0, 0], p);
    assert.equal(fs.readFileSync(path.join(out, 'uid'), 'utf8'), '0\n');
    assert.equal(fs.readFileSync(path.join(out, 'a.txt'), 'utf8'), 'A');
  });

  it('RUN networks as a non-root user: default reaches outside but not the host\'s loopback, none nothing, host (entitled) the host\'s', async () => {
    const servers = await startNetProbeServers();
    try {
      await engine.docker(['build', '--no-cache', '-t', 'net-probe:1', netProbeContext(path.join(work, 'net-probe'), `${registry.host}/busybox:latest`, servers)], { env: CLASSIC });
      const flat = path.join(work, 'net-probe-flat');
      await flattenStoreImage(engine.dataRoot, 'net-probe:1', flat);
      assertIsolatedProbes(flat);
      await engine.docker(['build', '--no-cache', '--network=host', '-t', 'net-probe:2', netProbeHostContext(path.join(work, 'net-probe-host'), `${registry.host}/busybox:latest`, servers)], { env: CLASSIC });
      const hostFlat = path.join(work, 'net-probe-host-flat');
      await flattenStoreImage(engine.dataRoot, 'net-probe:2', hostFlat);
      assertHostProbes(hostFlat);
    } finally {
      await servers.close();
    }
  });

  it('owners other than the daemon user: RUN chown, a passwd user, COPY --chown, WORKDIR under USER and the base\'s owners match a root build', async function () {
    assert.match(engine.logs(), /builder runtime: rootless-crun/, 'the builder runs in the user namespace with the subordinate ids');
    await pushBusyboxImage(registry.host, 'owned', 'latest', {
      extraLayers: [await tarOf([
        { name: 'home/app/', type: 'directory', mode: 0o700, uid: 1000, gid: 1000 },
        { name: 'home/app/secret', mode: 0o600, uid: 1000, gid: 1000, body: 'for app\n' },
        { name: 'srv/', type: 'directory', mode: 0o755, uid: 0, gid: 0 },
        { name: 'srv/shared', mode: 0o640, uid: 2000, gid: 3000, body: 'group readable\n' },
      ])],
    });
    const ctx = path.join(work, 'owners');
    fs.mkdirSync(ctx);
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), [
      `FROM ${registry.host}/owned:latest`,
      'RUN mkdir /x && echo x > /x/f && chown 1000:1000 /x /x/f && echo more >> /home/app/secret && touch /home/app/new && stat -c %u:%g /srv/shared /home/app > /base-owners',
      "RUN echo 'svc:x:4321:4322::/home/svc:/bin/sh' >> /etc/passwd && echo 'svc:x:4322:' >> /etc/group && mkdir /home/svc && chown svc:svc /home/svc",
      'COPY --chown=1234:5678 a.txt /copied/a.txt',
      'COPY --chown=svc b.txt /home/svc/b.txt',
      // the image's 0700 directory of uid 1000 (the daemon's user cannot even read it), owners kept
      `COPY --from=${registry.host}/owned:latest /home/app /from-image/app`,
      // a local archive: unpacked with the owners of its entries
      'ADD owned.tar /added/',
      // a cache mount of uid 1000 (given its owner in the user namespace)
      'RUN --mount=type=cache,target=/cache,uid=1000,gid=1000 stat -c %u:%g /cache > /cache-owner && mkdir /cache/d && chown 2000:3000 /cache/d',
      'USER 1000',
      'WORKDIR /home/app/work',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(ctx, 'owned.tar'), await tarOf([
      { name: 't/', type: 'directory', mode: 0o750, uid: 1234, gid: 5678 },
      { name: 't/f', mode: 0o640, uid: 2000, gid: 3000, body: 'from the archive\n' },
    ]));
    fs.writeFileSync(path.join(ctx, 'a.txt'), 'A');
    fs.writeFileSync(path.join(ctx, 'b.txt'), 'B');
    fs.chmodSync(ctx, 0o755);
    const root = await startEngine();
    try {
      await root.docker(['pull', '-q', `${registry.host}/owned:latest`]);
      for (const e of [engine, root]) await e.docker(['build', '--network=none', '-t', 'owners:1', ctx], { env: CLASSIC });
      const ours = await layerOwners(engine.dataRoot, 'owners:1');
      const asRoot = await layerOwners(root.dataRoot, 'owners:1');
      // the same layers, files and owners; a copying snapshot's diff leaves out parent directories
      // whose metadata did not change, which an overlay's upper holds (both unpack the same tree)
      assert.equal(ours.length, asRoot.length);
      ours.forEach((layer, i) => {
        const files = (l: string[]) => l.filter((e) => !/ directory /.test(e));
        assert.deepEqual(files(layer), files(asRoot[i]), `layer ${i}: the same files with the same modes and owners`);
        for (const e of layer) assert.ok(asRoot[i].includes(e), `layer ${i}: ${e} as in the root build:\n${asRoot[i].join('\n')}`);
      });
      const all = ours.flat();
      for (const want of ['x directory 755 1000:1000', 'x/f file 644 1000:1000', 'home/app/secret file 600 1000:1000', 'home/app/new file 644 0:0',
        'home/svc directory 755 4321:4322', 'copied/a.txt file 644 1234:5678', 'copied directory 755 1234:5678', 'home/svc/b.txt file 644 4321:4321',
        'home/app/work directory 755 1000:1000', 'srv/shared file 640 2000:3000',
        'from-image/app directory 700 1000:1000', 'from-image/app/secret file 600 1000:1000', 'added/t directory 750 1234:5678', 'added/t/f file 640 2000:3000']) {
        assert.ok(all.includes(want), `${want} in the layers:\n${all.join('\n')}`);
      }
      // RUN saw the base layer's owners (unpacked with them in the user namespace)
      const flat = path.join(work, 'owners-flat');
      await flattenStoreImage(engine.dataRoot, 'owners:1', flat);
      assert.equal(fs.readFileSync(path.join(flat, 'base-owners'), 'utf8'), '2000:3000\n1000:1000\n');
      assert.equal(fs.readFileSync(path.join(flat, 'cache-owner'), 'utf8'), '1000:1000\n');
      // the cache mount holds a directory of another container user: prune removes it (in the namespace)
      await engine.docker(['builder', 'prune', '-f']);
      assert.deepEqual(fs.readdirSync(path.join(engine.dataRoot, 'build')).filter((f) => f === 'mounts'), [], 'cache mounts pruned');
    } finally {
      await root.stop();
    }
  });
});

describe('build: rootless daemon without subordinate ids (bubblewrap)', function () {
  this.timeout(5 * 60_000);
  let registry: TestRegistry;
  let engine: TestEngine;
  let work: string;

  before(async () => {
    ({ registry, engine, work } = await startRootlessBuilder('dwbuildnoids', false));
  });
  after(async () => {
    await Promise.allSettled([engine?.stop(), registry?.stop()]);
    if (work) removeDir(work);
  });

  it('falls back to the single-uid mapping, says so once; COPY and RUN work, RUN networks are the same', async () => {
    const ctx = path.join(work, 'ctx');
    fs.mkdirSync(ctx);
    fs.writeFileSync(path.join(ctx, 'Dockerfile'), `FROM ${registry.host}/busybox:latest\nCOPY a.txt /a.txt\nRUN id -u > /uid\n`);
    fs.writeFileSync(path.join(ctx, 'a.txt'), 'A');
    await engine.docker(['build', '--network=none', '-t', 'fallback:1', ctx], { env: CLASSIC });
    await engine.docker(['build', '--network=none', '--no-cache', '-t', 'fallback:2', ctx], { env: CLASSIC });
    const said = engine.logs().match(/builder runtime: rootless with a single-uid mapping \(bubblewrap\)/g) ?? [];
    assert.equal(said.length, 1, engine.logs());
    const out = path.join(work, 'flat');
    await flattenStoreImage(engine.dataRoot, 'fallback:1', out);
    const v = snapshotDir(out);
    for (const p of ['/a.txt', '/uid']) assert.deepEqual([v[p].uid, v[p].gid], [0, 0], p);
    assert.equal(fs.readFileSync(path.join(out, 'uid'), 'utf8'), '0\n');

    const servers = await startNetProbeServers();
    try {
      await engine.docker(['build', '--no-cache', '-t', 'net-probe:1', netProbeContext(path.join(work, 'net-probe'), `${registry.host}/busybox:latest`, servers)], { env: CLASSIC });
      const flat = path.join(work, 'net-probe-flat');
      await flattenStoreImage(engine.dataRoot, 'net-probe:1', flat);
      assertIsolatedProbes(flat);
      await engine.docker(['build', '--no-cache', '--network=host', '-t', 'net-probe:2', netProbeHostContext(path.join(work, 'net-probe-host'), `${registry.host}/busybox:latest`, servers)], { env: CLASSIC });
      const hostFlat = path.join(work, 'net-probe-host-flat');
      await flattenStoreImage(engine.dataRoot, 'net-probe:2', hostFlat);
      assertHostProbes(hostFlat);
    } finally {
      await servers.close();
    }
  });
});
