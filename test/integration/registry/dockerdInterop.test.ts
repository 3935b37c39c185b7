// Interoperability with the real Docker Engine (Debian's docker.io): registry round trips in both
// directions and `docker save`/`docker load` archives in both directions.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { importRootfs, loadImages, openImageStore, saveImages, type ImageStore } from '../../../engine/image';
import { pull, push } from '../../../engine/registry';
import { startDockerd, type TestDockerd } from '../../harness/dockerd';
import { busyboxRootfsTar } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { removeDir, requireBinary, tempDir } from '../../harness/services';

const run = promisify(execFile);

describe('interop with the real dockerd', function () {
  this.timeout(300000);
  let reg: TestRegistry;
  let dockerd: TestDockerd;
  let dir: string;
  let store: ImageStore;
  before(async () => {
    reg = await startRegistry();
    dockerd = await startDockerd();
    dir = tempDir('s-interop');
    store = openImageStore(dir);
  });
  after(async () => {
    await dockerd?.stop();
    await reg?.stop();
    if (dir) removeDir(dir);
  });

  const dockerId = async (ref: string) => (await dockerd.docker(['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim();

  it('an image pushed by Dockwright is pulled by dockerd with the same digest and runs', async () => {
    const rec = await importRootfs(store, Readable.from([await busyboxRootfsTar()]), { reference: `${reg.host}/ours/busybox:1`, changes: ['CMD ["sh"]'] });
    const pushed = await push(`${reg.host}/ours/busybox:1`, store, { dockerConfigDir: false });
    await dockerd.docker(['pull', `${reg.host}/ours/busybox:1`]);
    const digests = (await dockerd.docker(['image', 'inspect', '--format', '{{json .RepoDigests}}', `${reg.host}/ours/busybox:1`])).stdout;
    assert.deepEqual(JSON.parse(digests), [`${reg.host}/ours/busybox@${pushed.digest}`]);
    assert.equal(await dockerId(`${reg.host}/ours/busybox:1`), rec.id);
    const { stdout } = await dockerd.docker(['run', '--rm', '--network', 'none', `${reg.host}/ours/busybox:1`, 'echo', 'ok']);
    assert.equal(stdout.trim(), 'ok');
  });

  it('an image pushed by dockerd is pulled by Dockwright with the same digest', async () => {
    const { stdout: imported } = await dockerd.docker(['import', '--change', 'CMD ["sh"]', '-', `${reg.host}/theirs/busybox:2`], { input: await busyboxRootfsTar() });
    const { stdout } = await dockerd.docker(['push', `${reg.host}/theirs/busybox:2`]);
    const m = /2: digest: (sha256:[a-f0-9]{64}) size: (\d+)/.exec(stdout);
    assert.ok(m, stdout);
    const r = await pull(`${reg.host}/theirs/busybox:2`, store, { dockerConfigDir: false });
    assert.equal(r.digest, m[1]);
    assert.equal(r.id, imported.trim());
    const { stdout: raw } = await run(requireBinary('skopeo'), ['inspect', '--tls-verify=false', `docker://${reg.host}/theirs/busybox:2`]);
    assert.equal(JSON.parse(raw).Digest, r.digest);
  });

  it("dockerd's `docker save` loads into Dockwright with the same image ID", async () => {
    await dockerd.docker(['import', '--change', 'ENV X=1', '-', 'saved-by-docker:3'], { input: await busyboxRootfsTar() });
    const id = await dockerId('saved-by-docker:3');
    const archive = await new Promise<Buffer>((resolve, reject) => {
      execFile(requireBinary('docker'), ['save', 'saved-by-docker:3'], { env: { ...process.env, DOCKER_HOST: dockerd.host }, encoding: 'buffer', maxBuffer: 256 << 20 }, (err, out) => (err ? reject(err) : resolve(out)));
    });
    const res = await loadImages(store, Readable.from([archive]));
    assert.deepEqual(res.messages, ['Loaded image: saved-by-docker:3']);
    const d = await store.inspect('saved-by-docker:3');
    assert.equal(d.id, id);
    assert.deepEqual(d.config.config?.Env?.includes('X=1'), true);
  });

  it("Dockwright's save output loads into dockerd (`docker load`) and runs", async () => {
    const rec = await importRootfs(store, Readable.from([await busyboxRootfsTar()]), { reference: 'saved-by-us:4', changes: ['CMD ["echo","from-us"]'] });
    const chunks: Buffer[] = [];
    const out = new (await import('node:stream')).PassThrough();
    out.on('data', (c: Buffer) => chunks.push(c));
    await saveImages(store, ['saved-by-us:4'], out);
    const { stdout } = await dockerd.docker(['load'], { input: Buffer.concat(chunks) });
    assert.match(stdout, /Loaded image: saved-by-us:4/);
    assert.equal(await dockerId('saved-by-us:4'), rec.id);
    const r = await dockerd.docker(['run', '--rm', '--network', 'none', 'saved-by-us:4']);
    assert.equal(r.stdout.trim(), 'from-us');
  });
});
