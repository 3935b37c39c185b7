// The harness itself works: a real registry accepts a busybox image pushed by skopeo, and a
// real dockerd pulls and runs it.
import * as assert from 'node:assert/strict';
import { startDockerd, type TestDockerd } from '../../harness/dockerd';
import { pushBusyboxImage } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';

describe('test harness: real registry + real dockerd', function () {
  this.timeout(180000);
  let registry: TestRegistry;
  let dockerd: TestDockerd;
  before(async () => {
    registry = await startRegistry();
    dockerd = await startDockerd();
  });
  after(async () => {
    await dockerd?.stop();
    await registry?.stop();
  });

  it('pushes busybox with skopeo, pulls and runs it with dockerd at the same digest', async () => {
    const digest = await pushBusyboxImage(registry.host, 'harness/busybox', 'v1');
    const { stdout } = await dockerd.docker(['pull', `${registry.host}/harness/busybox:v1`]);
    assert.match(stdout, new RegExp(digest));
    const out = await dockerd.docker(['run', '--rm', '--network', 'none', `${registry.host}/harness/busybox:v1`, 'echo', 'hello from busybox']);
    assert.equal(out.stdout.trim(), 'hello from busybox');
  });

  it('an htpasswd registry refuses anonymous pushes and accepts credentials', async () => {
    const auth = await startRegistry({ auth: { username: 'alice', password: 's3cret' } });
    try {
      const res = await fetch(`${auth.url}/v2/`);
      assert.equal(res.status, 401);
      await assert.rejects(pushBusyboxImage(auth.host, 'private/bb', 'v1'));
      await pushBusyboxImage(auth.host, 'private/bb', 'v1', { creds: 'alice:s3cret' });
      const ok = await fetch(`${auth.url}/v2/private/bb/tags/list`, { headers: { authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` } });
      assert.deepEqual(((await ok.json()) as { tags: string[] }).tags, ['v1']);
    } finally {
      await auth.stop();
    }
  });
});
