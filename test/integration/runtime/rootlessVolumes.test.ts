// Rootless with subordinate ids (crun in a user namespace, the file helper dist/files.js), through
// the docker CLI against a daemon run as a non-root user with its own /etc/subuid range: a named
// volume populated from the image on first use keeps the owners and modes the image has there
// (as with root, and as dockerd), and can be removed; a device node in a layer cannot be made in a
// user namespace, so it is left out like rootless podman does, and the daemon log names it.
import assert from 'node:assert/strict';
import { ensureUser, startEngine, type TestEngine, stopWithContainers } from '../../harness/engine';
import { loadBusyboxImage, tarOf } from '../../harness/images';
import { ensureSubordinateIds } from '../../harness/subordinateIds';

/** busybox + /data (uid 1000's, 0750) with a file and a 0700 directory of 2000:3000, /empty (1000:1000, 0750, empty) and a device node /srv/null, as `volimg:latest`. */
async function loadImage(engine: TestEngine): Promise<void> {
  await loadBusyboxImage(engine, 'volimg:latest', [
    await tarOf([
      { name: 'data/', type: 'directory', mode: 0o750, uid: 1000, gid: 1000 },
      { name: 'data/f', mode: 0o640, uid: 1000, gid: 1000, body: 'for 1000\n' },
      { name: 'data/sub/', type: 'directory', mode: 0o700, uid: 2000, gid: 3000 },
      { name: 'data/sub/g', mode: 0o600, uid: 2000, gid: 3000, body: 'for 2000\n' },
      { name: 'empty/', type: 'directory', mode: 0o750, uid: 1000, gid: 1000 },
      { name: 'srv/', type: 'directory', mode: 0o755, uid: 0, gid: 0 },
      { name: 'srv/null', type: 'character-device', mode: 0o666, uid: 0, gid: 0, devmajor: 1, devminor: 3 },
      { name: 'srv/kept', mode: 0o644, uid: 0, gid: 0, body: 'next to the device\n' },
    ]),
  ]);
}

const LIST = 'find /data /empty | sort | xargs stat -c "%n %u:%g %a %F"';
const IMAGE_VIEW = [
  '/data 1000:1000 750 directory',
  '/data/f 1000:1000 640 regular file',
  '/data/sub 2000:3000 700 directory',
  '/data/sub/g 2000:3000 600 regular file',
  '/empty 1000:1000 750 directory',
];

for (const mode of ['root', 'rootless-subids'] as const) {
  describe(`named volumes populated from the image, and device nodes in layers (${mode}, docker CLI)`, function () {
    this.timeout(180000);
    let engine: TestEngine;

    before(async function () {
      if (process.getuid?.() !== 0) this.skip(); // root, or the test makes its own user and /etc/subuid range
      if (mode === 'root') {
        engine = await startEngine({ runtime: 'auto' });
      } else {
        ensureUser('dwsubvol');
        ensureSubordinateIds('dwsubvol');
        engine = await startEngine({ asUser: 'dwsubvol', runtime: 'rootless' });
      }
      await loadImage(engine);
    });
    after(() => stopWithContainers(engine));

    it('runs in the mode under test', async () => {
      const runtime = (await engine.docker(['info', '--format', '{{.DefaultRuntime}}'])).stdout.trim();
      if (mode === 'root') assert.match(runtime, /^(crun|runc)$/);
      else assert.equal(runtime, 'rootless-crun');
    });

    it('a named volume gets the image content with its owners and modes, also an empty directory\'s own', async () => {
      const image = (await engine.docker(['run', '--rm', 'volimg', 'sh', '-c', LIST])).stdout.trim().split('\n');
      assert.deepEqual(image, IMAGE_VIEW);
      const inVolumes = (await engine.docker(['run', '--rm', '-v', 'vdata:/data', '-v', 'vempty:/empty', 'volimg', 'sh', '-c', LIST])).stdout.trim().split('\n');
      assert.deepEqual(inVolumes, IMAGE_VIEW);
      // populated once: the volume keeps what a container wrote, and a later container sees it there
      await engine.docker(['run', '--rm', '-v', 'vdata:/data', 'volimg', 'sh', '-c', 'rm /data/f && chown 1234:1234 /data/sub/g']);
      const again = (await engine.docker(['run', '--rm', '-v', 'vdata:/data', 'volimg', 'sh', '-c', 'find /data | sort | xargs stat -c "%n %u:%g"'])).stdout.trim().split('\n');
      assert.deepEqual(again, ['/data 1000:1000', '/data/sub 2000:3000', '/data/sub/g 1234:1234']);
      // its files belong to container users other than root: removing it still works
      await engine.docker(['volume', 'rm', 'vdata', 'vempty']);
      assert.equal((await engine.docker(['volume', 'ls', '-q'])).stdout.trim(), '');
    });

    it(mode === 'root' ? 'makes device nodes of layers' : 'leaves device nodes of layers out, and the log says which', async () => {
      const { stdout } = await engine.docker(['run', '--rm', 'volimg', 'sh', '-c', 'ls /srv; stat -c "%F %t:%T" /srv/null 2>&1 || true']);
      if (mode === 'root') {
        assert.equal(stdout, 'kept\nnull\ncharacter special file 1:3\n');
        assert.doesNotMatch(engine.logs(), /device node/);
      } else {
        assert.match(stdout, /^kept\n.*No such file or directory\n$/s);
        assert.match(engine.logs(), /layer [0-9a-f]{12}: 1 device node not created \(rootless: device nodes cannot be made without root\): \/srv\/null/);
      }
    });
  });
}
