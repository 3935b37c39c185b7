// zstd-compressed layers (application/vnd.oci.image.layer.v1.tar+zstd): an image skopeo recompressed
// to zstd is pulled into the engine (digest and diffID verified while streaming, decompressed
// in-process) and runs; a damaged zstd blob under a correct digest is refused with a clear error
// and nothing of it becomes an image.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { openImageStore } from '../../../engine/image';
import { pull } from '../../../engine/registry';
import { startEngine, type TestEngine } from '../../harness/engine';
import { busyboxRootfsTar, writeBusyboxOciLayout } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { removeDir, requireBinary, tempDir } from '../../harness/services';

const run = promisify(execFile);
const ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** `zstd -c` of `data` (the CLI writes frames with the content checksum flag set). */
async function zstdCompress(data: Buffer, dir: string): Promise<Buffer> {
  const f = path.join(dir, `raw-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(f, data);
  await run(requireBinary('zstd', 'zstd'), ['-q', '-3', '--check', '-f', f, '-o', `${f}.zst`]);
  return fs.readFileSync(`${f}.zst`);
}

/** An OCI layout with one layer blob `blob` (declared zstd) whose config expects `diffId`. */
function layoutWithLayer(dir: string, blob: Buffer, diffId: string): void {
  fs.mkdirSync(path.join(dir, 'blobs/sha256'), { recursive: true });
  const put = (b: Buffer | string) => {
    const d = sha256(b);
    fs.writeFileSync(path.join(dir, 'blobs/sha256', d.slice(7)), b);
    return d;
  };
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: [diffId] } });
  const manifest = JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: put(config), size: Buffer.byteLength(config) },
    layers: [{ mediaType: ZSTD, digest: put(blob), size: blob.length }],
  });
  const md = put(manifest);
  fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: md, size: Buffer.byteLength(manifest), annotations: { 'org.opencontainers.image.ref.name': 'v1' } }],
  }));
}

describe('registry: zstd layers', function () {
  this.timeout(5 * 60_000);
  let registry: TestRegistry;
  let engine: TestEngine;
  let work: string;
  const skopeo = () => requireBinary('skopeo', 'skopeo');

  before(async () => {
    work = tempDir('zstd');
    [registry, engine] = await Promise.all([startRegistry(), startEngine()]);
  });
  after(async () => {
    await Promise.allSettled([engine?.stop(), registry?.stop()]);
    if (work) removeDir(work);
  });

  it('pulls an image whose layers skopeo recompressed to zstd, and runs it', async () => {
    const layout = path.join(work, 'busybox');
    await writeBusyboxOciLayout(layout, { tag: 'v1' });
    const ref = `${registry.host}/zstd/busybox:v1`;
    await run(skopeo(), ['copy', '--quiet', '--dest-tls-verify=false', '--dest-compress-format', 'zstd', '--dest-compress', `oci:${layout}:v1`, `docker://${ref}`]);
    const raw = JSON.parse((await run(skopeo(), ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`])).stdout) as { layers: { mediaType: string }[] };
    assert.deepEqual(raw.layers.map((l) => l.mediaType), [ZSTD], 'the registry serves a zstd layer');

    const out = await engine.docker(['pull', ref]);
    assert.match(out.stdout, /Downloaded newer image/);
    const ran = await engine.docker(['run', '--rm', '--network=none', ref, 'sh', '-c', 'echo zstd-ok; ls /bin/busybox']);
    assert.equal(ran.stdout, 'zstd-ok\n/bin/busybox\n');
  });

  it('refuses a damaged zstd layer clearly (truncated or with flipped bytes), storing no image', async () => {
    const tarBytes = await busyboxRootfsTar();
    const good = await zstdCompress(tarBytes, work);
    assert.ok(good[4] & 0x04, 'the frame has the content checksum flag');
    const truncated = good.subarray(0, good.length - 100);
    const flipped = Buffer.from(good);
    for (let i = Math.floor(good.length / 2); i < Math.floor(good.length / 2) + 16; i++) flipped[i] ^= 0xff;
    for (const [name, blob] of [['truncated', truncated], ['flipped', flipped]] as const) {
      const layout = path.join(work, `bad-${name}`);
      layoutWithLayer(layout, blob, sha256(tarBytes));
      const ref = `${registry.host}/zstd/bad-${name}:v1`;
      await run(skopeo(), ['copy', '--quiet', '--dest-tls-verify=false', '--preserve-digests', `oci:${layout}:v1`, `docker://${ref}`]);
      const storeDir = path.join(work, `store-${name}`);
      const store = openImageStore(storeDir);
      await assert.rejects(pull(ref, store, { dockerConfigDir: false }), (e: Error) => {
        assert.match(e.message, /not a valid zstd stream|uncompresses to sha256:[0-9a-f]{64}, but the config expects/, `${name}: ${e.message}`);
        return true;
      });
      assert.deepEqual(await store.list(), [], `${name}: no image stored`);
      await assert.rejects(engine.docker(['pull', ref]), /zstd|uncompresses to/);
    }
  });
});
