// Pulling through an image index (multi-platform): platform selection, index digest as RepoDigest.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { openImageStore, sha256Digest, type ImageStore } from '../../../engine/image';
import { pull, RegistryError } from '../../../engine/registry';
import { pushBusyboxImage, writeBusyboxOciLayout } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { removeDir, requireBinary, tempDir } from '../../harness/services';

const run = promisify(execFile);

/** Pushes an index with linux/amd64 and linux/arm64/v8 entries (same layers, different configs). */
async function pushIndex(registryHost: string, repo: string): Promise<{ index: string; amd64: string; arm64: string }> {
  const dir = tempDir('s-index');
  try {
    const amd64Manifest = await writeBusyboxOciLayout(dir, { tag: 'x' });
    const blob = (d: string) => path.join(dir, 'blobs/sha256', d.slice(7));
    const put = (b: string) => { const d = sha256Digest(b); fs.writeFileSync(blob(d), b); return d; };
    const m = JSON.parse(fs.readFileSync(blob(amd64Manifest), 'utf8'));
    const cfg = JSON.parse(fs.readFileSync(blob(m.config.digest), 'utf8'));
    const armCfg = JSON.stringify({ ...cfg, architecture: 'arm64', variant: 'v8' });
    const armManifest = JSON.stringify({ ...m, config: { ...m.config, digest: put(armCfg), size: Buffer.byteLength(armCfg) } });
    const armDigest = put(armManifest);
    const index = JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: amd64Manifest, size: fs.statSync(blob(amd64Manifest)).size, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: armDigest, size: Buffer.byteLength(armManifest), platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      ],
    });
    const indexDigest = put(index);
    fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.index.v1+json', digest: indexDigest, size: Buffer.byteLength(index), annotations: { 'org.opencontainers.image.ref.name': 'multi' } }] }));
    await run(requireBinary('skopeo'), ['copy', '--quiet', '--all', '--preserve-digests', '--dest-tls-verify=false', `oci:${dir}:multi`, `docker://${registryHost}/${repo}:multi`]);
    return { index: indexDigest, amd64: m.config.digest, arm64: sha256Digest(armCfg) };
  } finally {
    removeDir(dir);
  }
}

describe('pull through an image index (real docker-registry)', function () {
  this.timeout(120000);
  let reg: TestRegistry;
  let dir: string;
  let store: ImageStore;
  let pushed: { index: string; amd64: string; arm64: string };
  before(async () => {
    reg = await startRegistry();
    pushed = await pushIndex(reg.host, 'plat');
  });
  after(async () => { await reg?.stop(); });
  beforeEach(() => { dir = tempDir('s-plat'); store = openImageStore(dir); });
  afterEach(() => removeDir(dir));

  it('chooses the manifest for the requested platform and records the index digest', async () => {
    const arm = await pull(`${reg.host}/plat:multi`, store, { dockerConfigDir: false, platform: 'linux/arm64' });
    assert.equal(arm.digest, pushed.index);
    assert.equal(arm.id, pushed.arm64);
    const d = await store.inspect(`${reg.host}/plat@${pushed.index}`);
    assert.equal(d.id, pushed.arm64);
    assert.deepEqual(d.repoDigests, [`${reg.host}/plat@${pushed.index}`]);
    assert.equal(d.config.architecture, 'arm64');
    const amd = await pull(`${reg.host}/plat:multi`, store, { dockerConfigDir: false, platform: 'linux/amd64' });
    assert.equal(amd.id, pushed.amd64);
  });

  it('checks a single-platform image against an explicitly requested platform', async () => {
    await pushBusyboxImage(reg.host, 'single', 'v1');
    await assert.rejects(pull(`${reg.host}/single:v1`, store, { dockerConfigDir: false, platform: 'linux/arm64' }),
      { message: `image with reference ${reg.host}/single:v1 was found but does not match the specified platform: wanted linux/arm64/v8, actual: linux/amd64` });
    const r = await pull(`${reg.host}/single:v1`, store, { dockerConfigDir: false, platform: 'linux/amd64' });
    assert.match(r.id, /^sha256:/);
  });

  it('fails clearly when no entry fits the platform', async () => {
    await assert.rejects(pull(`${reg.host}/plat:multi`, store, { dockerConfigDir: false, platform: 'linux/s390x' }),
      (e: RegistryError) => e.kind === 'notFound' && e.message === 'no matching manifest for linux/s390x in the manifest list entries');
  });
});
