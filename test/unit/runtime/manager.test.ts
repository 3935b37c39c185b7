// ContainerManager on the real runtime (root: runc + overlay; the monitor runs from source):
// auto-remove answers `wait removed`, snapshots left by a crash are removed when a daemon starts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { makeManager, putBusybox } from './fixtures';
import { removeDir, tempDir } from '../../harness/services';

describe('container manager', function () {
  this.timeout(60000);
  let dataRoot: string;
  let m: ReturnType<typeof makeManager>;
  before(async () => {
    dataRoot = tempDir('manager');
    m = makeManager(dataRoot);
    await putBusybox(m.images);
  });
  after(async () => {
    m.manager.shutdown();
    for (const key of m.snapshots.list()) await m.snapshots.remove(key).catch(() => undefined);
    removeDir(dataRoot);
  });

  it('removes container snapshots without a record when it starts, and keeps the builder\'s', async () => {
    const orphan = 'a'.repeat(64);
    await m.snapshots.prepare(orphan, []);
    await m.snapshots.prepare('build-0123', []);
    await m.manager.init();
    assert.ok(!m.snapshots.exists(orphan), 'the orphaned container snapshot is still there');
    assert.ok(m.snapshots.exists('build-0123'));
    await m.snapshots.remove('build-0123');
  });

  it('runs an auto-remove container: wait(removed) answers with its exit code, then the snapshot goes', async () => {
    const { Id } = await m.manager.create(undefined, { Image: 'busybox:latest', Cmd: ['sh', '-c', 'exit 3'] }, { AutoRemove: true, NetworkMode: 'none' });
    const removed = m.manager.wait(Id, 'removed');
    await m.manager.start(Id);
    assert.deepEqual(await removed, { StatusCode: 3, Error: null });
    assert.equal(m.manager.find(Id), undefined);
    assert.ok(!fs.existsSync(m.manager.dir(Id)));
    for (let i = 0; i < 100 && m.snapshots.exists(Id); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!m.snapshots.exists(Id), 'the snapshot was not removed');
  });

  it('starts containers back to back (the spare monitor is replaced each time)', async () => {
    for (let i = 0; i < 3; i++) {
      const { Id } = await m.manager.create(undefined, { Image: 'busybox:latest', Cmd: ['true'] }, { AutoRemove: true, NetworkMode: 'none' });
      const removed = m.manager.wait(Id, 'removed');
      await m.manager.start(Id);
      assert.equal((await removed).StatusCode, 0);
    }
  });
});
