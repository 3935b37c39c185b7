// Interoperability with the real Docker Engine: images moved through the registry by our daemon and by
// dockerd end up with the same digests on both sides.
import * as assert from 'node:assert/strict';
import { startDockerd, type TestDockerd } from '../../harness/dockerd';
import { startEngine, type TestEngine } from '../../harness/engine';
import { pushBusyboxImage } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { removeDir, tempDir } from '../../harness/services';

const repoDigest = async (d: { docker: TestEngine['docker'] }, ref: string) =>
  JSON.parse((await d.docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', ref])).stdout) as string[];

describe('engine interop with dockerd', function () {
  this.timeout(300000);
  let reg: TestRegistry;
  let engine: TestEngine;
  let dockerd: TestDockerd;

  before(async () => {
    [reg, engine, dockerd] = await Promise.all([startRegistry(), startEngine(), startDockerd()]);
    await pushBusyboxImage(reg.host, 'src/busybox', 'v1');
  });
  after(async () => {
    await Promise.all([engine?.stop(), dockerd?.stop()]);
    await reg?.stop();
  });

  it('an image pushed by our daemon is pulled by dockerd with the same digest, and runs there', async () => {
    await engine.docker(['pull', `${reg.host}/src/busybox:v1`]);
    await engine.docker(['tag', `${reg.host}/src/busybox:v1`, `${reg.host}/ours/app:1`]);
    const pushed = (await engine.docker(['push', `${reg.host}/ours/app:1`])).stdout;
    const digest = /digest: (sha256:[a-f0-9]{64})/.exec(pushed)![1];
    const pulled = (await dockerd.docker(['pull', `${reg.host}/ours/app:1`])).stdout;
    assert.match(pulled, new RegExp(`Digest: ${digest}`));
    assert.ok((await repoDigest(dockerd, `${reg.host}/ours/app:1`)).includes(`${reg.host}/ours/app@${digest}`));
    assert.ok((await repoDigest(engine, `${reg.host}/ours/app:1`)).includes(`${reg.host}/ours/app@${digest}`));
    const ran = await dockerd.docker(['run', '--rm', '--network', 'none', `${reg.host}/ours/app:1`, 'echo', 'hello from dockerd']);
    assert.equal(ran.stdout.trim(), 'hello from dockerd');
    const ourId = (await engine.docker(['image', 'inspect', '-f', '{{.Id}}', `${reg.host}/ours/app:1`])).stdout.trim();
    const theirId = (await dockerd.docker(['image', 'inspect', '-f', '{{.Id}}', `${reg.host}/ours/app:1`])).stdout.trim();
    assert.equal(ourId, theirId, 'same image ID (config digest)');
  });

  it('an image pushed by dockerd is pulled by our daemon with the same digest', async () => {
    await dockerd.docker(['pull', `${reg.host}/src/busybox:v1`]);
    await dockerd.docker(['tag', `${reg.host}/src/busybox:v1`, `${reg.host}/theirs/app:2`]);
    const pushed = (await dockerd.docker(['push', `${reg.host}/theirs/app:2`])).stdout;
    const digest = /digest: (sha256:[a-f0-9]{64})/.exec(pushed)![1];
    const pulled = (await engine.docker(['pull', `${reg.host}/theirs/app:2`])).stdout;
    assert.match(pulled, new RegExp(`Digest: ${digest}`));
    assert.ok((await repoDigest(engine, `${reg.host}/theirs/app:2`)).includes(`${reg.host}/theirs/app@${digest}`));
    const ourId = (await engine.docker(['image', 'inspect', '-f', '{{.Id}}', `${reg.host}/theirs/app:2`])).stdout.trim();
    const theirId = (await dockerd.docker(['image', 'inspect', '-f', '{{.Id}}', `${reg.host}/theirs/app:2`])).stdout.trim();
    assert.equal(ourId, theirId);
  });

  it('docker save output of each engine loads in the other with the same image ID', async () => {
    const dir = tempDir('interop-save');
    try {
      const ours = `${reg.host}/ours/app:1`;
      const theirs = `${reg.host}/theirs/app:2`;
      const ourTar = `${dir}/ours.tar`;
      const theirTar = `${dir}/theirs.tar`;
      const ourId = (await engine.docker(['image', 'inspect', '-f', '{{.Id}}', ours])).stdout.trim();
      const theirId = (await dockerd.docker(['image', 'inspect', '-f', '{{.Id}}', theirs])).stdout.trim();
      await engine.docker(['save', '-o', ourTar, ours]);
      await dockerd.docker(['save', '-o', theirTar, theirs]);
      await dockerd.docker(['rmi', ours]);
      await engine.docker(['rmi', theirs]);
      assert.match((await dockerd.docker(['load', '-i', ourTar])).stdout, /Loaded image: .*ours\/app:1/);
      assert.match((await engine.docker(['load', '-i', theirTar])).stdout, /Loaded image: .*theirs\/app:2/);
      assert.equal((await dockerd.docker(['image', 'inspect', '-f', '{{.Id}}', ours])).stdout.trim(), ourId);
      assert.equal((await engine.docker(['image', 'inspect', '-f', '{{.Id}}', theirs])).stdout.trim(), theirId);
      const ran = await dockerd.docker(['run', '--rm', '--network', 'none', ours, 'echo', 'loaded']);
      assert.equal(ran.stdout.trim(), 'loaded');
    } finally {
      removeDir(dir);
    }
  });
});
