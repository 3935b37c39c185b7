// The builder in a daemon running as an ordinary user (rootless executor, copying snapshots):
// COPY and RUN work, and what the daemon user owns is root's in the image.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEngine, type TestEngine } from '../../harness/engine';
import { pushBusyboxImage } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { removeDir, tempDir } from '../../harness/services';
import { flattenStoreImage, snapshotDir } from './flatten';
import { assertHostProbes, assertIsolatedProbes, netProbeContext, netProbeHostContext, startNetProbeServers } from './netProbe';

describe('build: rootless daemon', function () {
  this.timeout(5 * 60_000);
  let registry: TestRegistry;
  let engine: TestEngine;
  let work: string;

  before(async () => {
    work = tempDir('build-rootless');
    fs.chmodSync(work, 0o755);
    registry = await startRegistry();
    engine = await startEngine({ asUser: 'dwbuilder' });
    await pushBusyboxImage(registry.host, 'busybox', 'latest');
    await engine.docker(['pull', '-q', `${registry.host}/busybox:latest`]);
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
    const r = await engine.docker(['build', '--network=none', '-t', 'rootless:1', ctx], { env: { DOCKER_BUILDKIT: '0' } });
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
      await engine.docker(['build', '--no-cache', '-t', 'net-probe:1', netProbeContext(path.join(work, 'net-probe'), `${registry.host}/busybox:latest`, servers)], { env: { DOCKER_BUILDKIT: '0' } });
      const flat = path.join(work, 'net-probe-flat');
      await flattenStoreImage(engine.dataRoot, 'net-probe:1', flat);
      assertIsolatedProbes(flat);
      await engine.docker(['build', '--no-cache', '--network=host', '-t', 'net-probe:2', netProbeHostContext(path.join(work, 'net-probe-host'), `${registry.host}/busybox:latest`, servers)], { env: { DOCKER_BUILDKIT: '0' } });
      const hostFlat = path.join(work, 'net-probe-host-flat');
      await flattenStoreImage(engine.dataRoot, 'net-probe:2', hostFlat);
      assertHostProbes(hostFlat);
    } finally {
      await servers.close();
    }
  });
});
