// The OCI runtime the daemon runs containers with, through the docker CLI as root: `auto` is crun
// (in the cgroup v1 view on hybrid hosts), `--runtime runc` still works end to end, and a
// container started by runc that a daemon on crun re-adopts says clearly what it cannot do.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { startEngine, type TestEngine, stopWithContainers } from '../../harness/engine';
import { loadBusybox } from './busybox';

async function fails(engine: TestEngine, args: string[]): Promise<string> {
  try {
    await engine.docker(args);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`docker ${args.join(' ')} succeeded but should have failed`);
}

describe('OCI runtimes through the docker CLI (root)', function () {
  this.timeout(120000);
  const engines: TestEngine[] = [];
  before(function () {
    if (process.getuid?.() !== 0) this.skip();
  });
  after(async () => {
    for (const e of engines.reverse()) await stopWithContainers(e);
  });

  it('auto runs containers with crun and says so in docker info and the log', async () => {
    const engine = await startEngine({ runtime: 'auto' });
    engines.push(engine);
    await loadBusybox(engine);
    assert.equal((await engine.docker(['info', '--format', '{{.DefaultRuntime}}'])).stdout.trim(), 'crun');
    assert.match(engine.logs(), /runtime: crun/);
    assert.equal((await engine.docker(['run', '--rm', 'busybox', 'echo', 'hi'])).stdout, 'hi\n');
    const id = (await engine.docker(['run', '-d', '--memory', '32m', 'busybox', 'sleep', '300'])).stdout.trim();
    assert.equal((await engine.docker(['inspect', '--format', '{{.HostConfig.Runtime}}', id])).stdout.trim(), 'crun');
    assert.equal(fs.readFileSync(`/sys/fs/cgroup/memory/dockwright/${id}/memory.limit_in_bytes`, 'utf8').trim(), String(32 << 20));
    await engine.docker(['pause', id]);
    assert.equal((await engine.docker(['inspect', '--format', '{{.State.Status}}', id])).stdout.trim(), 'paused');
    assert.equal(fs.readFileSync(`/sys/fs/cgroup/freezer/dockwright/${id}/freezer.state`, 'utf8').trim(), 'FROZEN');
    await engine.docker(['unpause', id]);
    assert.equal((await engine.docker(['exec', id, 'echo', 'in'])).stdout, 'in\n');
    const stats = JSON.parse((await engine.docker(['stats', '--no-stream', '--format', '{{json .}}', id])).stdout) as { MemUsage: string };
    assert.match(stats.MemUsage, /\/ 32MiB$/);
    await engine.docker(['rm', '-f', id]);
  });

  it('resizes the console of a crun container (crun does not relay its own terminal size)', async () => {
    const engine = engines[0];
    const id = (await engine.docker(['run', '-dit', 'busybox', 'sh'])).stdout.trim();
    // -d sends no size; the resize endpoint is what `docker attach` and a terminal resize call
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ socketPath: engine.socketPath, method: 'POST', path: `/containers/${id}/resize?h=40&w=120` }, (res) => {
        res.resume();
        res.once('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`resize: HTTP ${res.statusCode}`))));
      });
      req.once('error', reject);
      req.end();
    });
    assert.equal((await engine.docker(['exec', id, 'sh', '-c', 'stty -F /dev/console size'])).stdout, '40 120\n');
    await engine.docker(['rm', '-f', id]);
  });

  it('--runtime runc runs, pauses and execs; a daemon now on crun re-adopts the container and refuses exec and pause until it restarts', async () => {
    const first = await startEngine({ runtime: 'runc' });
    engines.push(first);
    await loadBusybox(first);
    assert.equal((await first.docker(['info', '--format', '{{.DefaultRuntime}}'])).stdout.trim(), 'runc');
    assert.equal((await first.docker(['run', '--rm', 'busybox', 'echo', 'hi'])).stdout, 'hi\n');
    const id = (await first.docker(['run', '-d', '--name', 'by-runc', 'busybox', 'sleep', '300'])).stdout.trim();
    await first.docker(['pause', id]);
    await first.docker(['unpause', id]);
    assert.equal((await first.docker(['exec', id, 'echo', 'in'])).stdout, 'in\n');
    await first.terminate();

    const second = await startEngine({ runtime: 'auto', extraArgs: ['--data-root', first.dataRoot] });
    engines.push(second);
    assert.equal((await second.docker(['inspect', '--format', '{{.State.Status}} {{.HostConfig.Runtime}}', id])).stdout.trim(), 'running runc');
    assert.match(await fails(second, ['exec', id, 'true']), /was started by runc and this engine runs crun: restart the container to exec in it/);
    assert.match(await fails(second, ['pause', id]), /was started by runc and this engine runs crun: restart the container to pause it/);
    await second.docker(['restart', '-t', '1', id]);
    assert.equal((await second.docker(['inspect', '--format', '{{.HostConfig.Runtime}}', id])).stdout.trim(), 'crun');
    assert.equal((await second.docker(['exec', id, 'echo', 'in'])).stdout, 'in\n');
  });
});
