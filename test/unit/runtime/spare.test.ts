// The spare container snapshot (engine/runtime/snapshot/spare.ts) through the real manager,
// overlayfs and runtime: made after a container of an image ran, taken over by the next create of
// that image (mounted, fresh), not by other images, and removed by a restarted daemon.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SPARE_PREFIX } from '../../../engine/runtime/snapshot/spare';
import { makeManager, putBusybox, putLayered } from './fixtures';
import { removeDir, tempDir, waitFor } from '../../harness/services';

const isMounted = (p: string) => fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === p);

describe('spare container snapshot', function () {
  this.timeout(60000);
  let dataRoot: string;
  let m: ReturnType<typeof makeManager>;
  const spares = () => m.snapshots.list().filter((k) => k.startsWith(SPARE_PREFIX));

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    dataRoot = tempDir('spare');
    m = makeManager(dataRoot);
    await putBusybox(m.images);
    await putLayered(m.images, 'layered:latest');
  });
  after(async () => {
    if (!m) return;
    m.manager.shutdown();
    for (const key of m.snapshots.list()) await m.snapshots.remove(key).catch(() => undefined);
    removeDir(dataRoot);
  });

  async function runToRemoval(image: string, cmd: string[]): Promise<string> {
    const { Id } = await m.manager.create(undefined, { Image: image, Cmd: cmd }, { AutoRemove: true, NetworkMode: 'none' });
    const removed = m.manager.wait(Id, 'removed');
    await m.manager.start(Id);
    await removed;
    return Id;
  }

  it('is made after a container ran, and the next create of the image takes it over, mounted and fresh', async () => {
    assert.deepEqual(spares(), []);
    await runToRemoval('busybox:latest', ['sh', '-c', 'echo left-behind > /leftover']);
    const spare = (await waitFor('a spare snapshot', () => (spares().length === 1 && isMounted(m.snapshots.rootfs(spares()[0])) ? spares()[0] : undefined), 10000, 20))!;
    const { Id } = await m.manager.create(undefined, { Image: 'busybox:latest', Cmd: ['cat', '/etc/passwd'] }, { NetworkMode: 'none' });
    assert.ok(!m.snapshots.exists(spare), 'the spare is still there');
    const rootfs = m.snapshots.rootfs(Id);
    assert.ok(isMounted(rootfs), 'the container rootfs is not mounted');
    assert.ok(fs.existsSync(path.join(rootfs, 'bin/busybox')));
    assert.ok(!fs.existsSync(path.join(rootfs, 'leftover')), 'a file of the previous container is in the new one');
    const exited = m.manager.wait(Id, 'next-exit');
    await m.manager.start(Id);
    assert.equal((await exited).StatusCode, 0);
    assert.match(fs.readFileSync(m.manager.logPath(Id), 'utf8'), /root:x:0:0/);
    assert.ok(!(await m.snapshots.changes(Id)).some((e) => e.name.includes('leftover')), 'the changes of a container made from the spare');
    await m.manager.remove(Id);
  });

  it('is not used for an image with other layers, and follows the layers last used', async () => {
    const busyboxSpare = (await waitFor('the busybox spare', () => (spares().length === 1 ? spares()[0] : undefined), 10000, 20))!;
    const { Id } = await m.manager.create(undefined, { Image: 'layered:latest', Cmd: ['cat', '/extra'] }, { NetworkMode: 'none' });
    assert.ok(m.snapshots.exists(busyboxSpare), 'an image with other layers took the busybox spare');
    assert.equal(fs.readFileSync(path.join(m.snapshots.rootfs(Id), 'extra'), 'utf8'), 'extra layer\n');
    const exited = m.manager.wait(Id, 'next-exit');
    await m.manager.start(Id);
    await exited;
    await m.manager.remove(Id);
    // one spare, now for the layers last used
    await waitFor('the busybox spare to be replaced', () => !m.snapshots.exists(busyboxSpare) && spares().length === 1, 10000, 20);
    const { Id: next } = await m.manager.create(undefined, { Image: 'layered:latest', Cmd: ['true'] }, { NetworkMode: 'none' });
    assert.deepEqual(spares(), [], 'the layered image did not take its spare');
    assert.equal(fs.readFileSync(path.join(m.snapshots.rootfs(next), 'extra'), 'utf8'), 'extra layer\n');
    await m.manager.remove(next);
  });

  it('is removed by a restarted daemon', async () => {
    await waitFor('a spare', () => spares().length === 1, 10000, 20);
    const spare = spares()[0];
    m.manager.shutdown();
    const again = makeManager(dataRoot);
    await again.manager.init();
    assert.ok(!again.snapshots.exists(spare), 'the spare survived a restart');
    assert.ok(!isMounted(again.snapshots.rootfs(spare)));
    again.manager.shutdown();
  });
});
