// User specs (container User, build USER and --chown) are resolved by reading /etc/passwd and
// /etc/group as data, confined to the rootfs; one implementation for the runtime and the builder.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resolveUser } from '../../../engine/image/layer';
import { removeDir, tempDir } from '../../harness/services';

describe('layer: user and group lookup from the rootfs', () => {
  let root: string;
  let outside: string;
  before(() => {
    root = tempDir('users');
    outside = tempDir('users-outside');
    fs.mkdirSync(path.join(root, 'etc'));
    fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/bin/sh\n');
    fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\napp:x:1001:\nwheel:x:10:app,other\ndocker:x:999:app\n');
    fs.writeFileSync(path.join(outside, 'passwd'), 'evil:x:4242:4242::/:/bin/sh\n');
  });
  after(() => { removeDir(root); removeDir(outside); });

  it('resolves names, numbers and supplementary groups for USER', async () => {
    const app = { uid: 1000, gid: 1001, additionalGids: [10, 999], home: '/home/app' };
    assert.deepEqual(await resolveUser(root, 'app'), app);
    assert.deepEqual(await resolveUser(root, ' app '), app);
    assert.deepEqual(await resolveUser(root, 'app:wheel'), { ...app, gid: 10, additionalGids: [] }, 'no supplementary groups with an explicit group');
    assert.deepEqual(await resolveUser(root, '1000'), app);
    assert.deepEqual(await resolveUser(root, '01000'), app, 'uids compare as numbers');
    assert.deepEqual(await resolveUser(root, '4000:4001'), { uid: 4000, gid: 4001, additionalGids: [], home: '/' });
    assert.deepEqual(await resolveUser(root, '4000'), { uid: 4000, gid: 0, additionalGids: [], home: '/' });
    assert.deepEqual(await resolveUser(root, ''), { uid: 0, gid: 0, additionalGids: [], home: '/root' });
    assert.deepEqual(await resolveUser(root, undefined), { uid: 0, gid: 0, additionalGids: [], home: '/root' });
    assert.deepEqual(await resolveUser(root, ':wheel'), { uid: 0, gid: 10, additionalGids: [], home: '/root' });
    await assert.rejects(resolveUser(root, 'nobody'), /unable to find user nobody/);
    await assert.rejects(resolveUser(root, 'app:nogroup'), /unable to find group nogroup/);
  });

  it('--chown: a lone user gives gid = uid; names are looked up', async () => {
    assert.deepEqual(await resolveUser(root, 'app', { forChown: true }), { uid: 1000, gid: 1000, additionalGids: [10, 999], home: '/home/app' });
    await assert.rejects(resolveUser(root, 'ghost', { forChown: true }), /can't find uid for user ghost: no such user: ghost/);
    assert.equal((await resolveUser(root, 'app:app', { forChown: true })).gid, 1001);
    assert.equal((await resolveUser(root, '10:docker', { forChown: true })).gid, 999);
  });

  it('an /etc symlink pointing outside the rootfs is resolved inside it', async () => {
    const r2 = tempDir('users-link');
    try {
      fs.symlinkSync(outside, path.join(r2, 'etc'));
      await assert.rejects(resolveUser(r2, 'evil'), /unable to find user evil/);
    } finally {
      removeDir(r2);
    }
  });
});
