// `docker run --init` on our engine next to dockerd (Debian's docker.io, same docker CLI, same
// image from the local registry): the same PID 1, command line, init binary, exit code on stop,
// inspect fields and docker diff entries.
import assert from 'node:assert/strict';
import type { TestDockerd } from '../../harness/dockerd';
import type { TestEngine } from '../../harness/engine';
import { startSideBySide, type SideBySide } from '../../harness/sideBySide';

describe('--init next to dockerd (root)', function () {
  this.timeout(180000);
  let both: SideBySide;
  let engine: TestEngine;
  let dockerd: TestDockerd;
  let image: string;

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    both = await startSideBySide();
    ({ engine, dockerd, image } = both);
  });
  after(() => both?.stop());

  /** What a `--init` container shows, through the docker CLI of `d` (PIDs other than 1 differ between engines and are left out). */
  async function observe(d: TestEngine | TestDockerd) {
    const run = async (...a: string[]) => (await d.docker(['run', '--rm', '--init', '--network', 'none', image, ...a])).stdout;
    const ps = (await run('ps', '-o', 'pid,ppid,user,args')).trim().split('\n').map((l) => l.trim().split(/\s+/));
    const self = ps.find((r) => r[3] === 'ps');
    await d.docker(['run', '--name', 'init-true', '--init', '--network', 'none', image, 'true']);
    const diff = (await d.docker(['diff', 'init-true'])).stdout.split('\n').filter((l) => l.includes('/sbin'));
    const inspect = (await d.docker(['inspect', '-f', '{{.Path}} {{json .Args}} {{.HostConfig.Init}}', 'init-true'])).stdout.trim();
    await d.docker(['rm', 'init-true']);
    await d.docker(['run', '-d', '--name', 'init-sleep', '--init', '--network', 'none', image, 'sleep', '300']);
    await d.docker(['stop', '-t', '60', 'init-sleep']);
    const stopped = (await d.docker(['inspect', '-f', '{{.State.ExitCode}}', 'init-sleep'])).stdout.trim();
    await d.docker(['rm', 'init-sleep']);
    return {
      pid1: ps[1],
      child: self && { ppid: self[1], user: self[2] },
      cmdline: await run('cat', '/proc/1/cmdline'),
      init: (await run('ls', '-ln', '/sbin/docker-init')).trim().split(/\s+/).filter((_, i) => i !== 5 && i !== 6 && i !== 7),
      executable: await run('sh', '-c', 'test -x /sbin/docker-init && echo ok'),
      diff,
      inspect,
      exitCodeOnStop: stopped,
    };
  }

  it('shows what dockerd shows', async () => {
    const ours = await observe(engine);
    const theirs = await observe(dockerd);
    assert.deepEqual(ours, theirs);
    // and what that is
    assert.deepEqual(ours.pid1, ['1', '0', 'root', '/sbin/docker-init', '--', 'ps', '-o', 'pid,ppid,user,args']);
    assert.deepEqual(ours.child, { ppid: '1', user: 'root' });
    assert.equal(ours.exitCodeOnStop, '143');
  });
});
