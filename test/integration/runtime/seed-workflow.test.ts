// The seed workflow through the docker CLI: build → run → logs → exec → stats → (pause) → stop →
// commit → push to the test registry → remove → pull → run the pulled image and find the committed
// file; container events on /events. As root and as a non-root user.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEngine, type TestEngine, stopWithContainers } from '../../harness/engine';
import { pushBusyboxImage } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { removeDir, tempDir, waitFor } from '../../harness/services';

function suite(label: string, opts: { asUser?: string; runtime: 'auto' | 'rootless' }) {
  describe(`seed workflow through the docker CLI (${label})`, function () {
    this.timeout(180000);
    let registry: TestRegistry;
    let engine: TestEngine;
    let ctx: string;

    before(async () => {
      registry = await startRegistry();
      await pushBusyboxImage(registry.host, 'busybox', 'latest');
      engine = await startEngine({ asUser: opts.asUser, runtime: opts.runtime });
      ctx = tempDir('seed-ctx');
      fs.chmodSync(ctx, 0o755);
      fs.writeFileSync(path.join(ctx, 'Dockerfile'), `FROM ${registry.host}/busybox:latest\nRUN echo built > /built.txt\nCMD ["sh", "-c", "cat /built.txt; sleep 300"]\n`);
    });

    after(async () => {
      await stopWithContainers(engine);
      if (registry) await registry.stop();
      if (ctx) removeDir(ctx);
    });

    it('builds, runs, commits, pushes, pulls and runs the committed image', async () => {
      const since = Math.floor(Date.now() / 1000) - 1;
      await engine.docker(['build', '-q', '-t', 'seed:1', ctx], { env: { DOCKER_BUILDKIT: '0' } });
      await engine.docker(['run', '-d', '--name', 'seed', 'seed:1']);
      await waitFor('the container log', async () => (await engine.docker(['logs', 'seed'])).stdout === 'built\n', 10000, 100);
      await engine.docker(['exec', 'seed', 'sh', '-c', 'echo committed > /committed.txt']);
      const { stdout: stats } = await engine.docker(['stats', '--no-stream', '--format', '{{.Name}} {{.PIDs}}', 'seed']);
      assert.match(stats, /^seed \d+/);
      if (opts.runtime !== 'rootless') {
        await engine.docker(['pause', 'seed']);
        assert.equal((await engine.docker(['inspect', '-f', '{{.State.Status}}', 'seed'])).stdout.trim(), 'paused');
        await engine.docker(['unpause', 'seed']);
      } else {
        await assert.rejects(engine.docker(['pause', 'seed']), /not supported by the rootless(-crun)? runtime/);
      }
      await engine.docker(['stop', '-t', '1', 'seed']);
      const target = `${registry.host}/seed:committed`;
      await engine.docker(['commit', 'seed', target]);
      await engine.docker(['push', target]);
      await engine.docker(['rm', 'seed']);
      await engine.docker(['rmi', target, 'seed:1']);
      assert.match(await engine.docker(['image', 'inspect', target]).then(() => 'present', (e: Error) => e.message), /No such image/);
      await engine.docker(['pull', target]);
      const { stdout } = await engine.docker(['run', '--rm', target, 'cat', '/committed.txt', '/built.txt']);
      assert.equal(stdout, 'committed\nbuilt\n');
      const { stdout: events } = await engine.docker(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1),
        '--filter', 'type=container', '--format', '{{.Action}}']);
      for (const action of ['create', 'start', 'die', 'stop', 'commit', 'destroy']) assert.ok(events.split('\n').includes(action), `event ${action} in ${events}`);
    });
  });
}

suite('root', { runtime: 'auto' });
suite('rootless, non-root user', { asUser: 'dwrootless', runtime: 'rootless' });
