import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import { openImageStore, type ImageStore } from '../../../engine/image';
import { pull, push, RegistryError, type ProgressMessage } from '../../../engine/registry';
import { pushBusyboxImage } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { freePort, removeDir, requireBinary, tempDir } from '../../harness/services';

const run = promisify(execFile);

/** An uncompressed tar with one file of `size` pseudo-random bytes. */
async function fileLayer(name: string, size: number, seed: number): Promise<Buffer> {
  const data = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) { x = (x * 1103515245 + 12345) & 0x7fffffff; data[i] = x >> 16; }
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  pack.entry({ name, mode: 0o644, mtime: new Date(0) }, data);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function skopeoDigest(ref: string, creds?: string): Promise<string> {
  const { stdout } = await run(requireBinary('skopeo'), ['inspect', '--raw', '--tls-verify=false', ...(creds ? ['--creds', creds] : []), `docker://${ref}`], { encoding: 'buffer', maxBuffer: 64 << 20 });
  return `sha256:${require('node:crypto').createHash('sha256').update(stdout).digest('hex')}`;
}

describe('registry client against a real docker-registry', function () {
  this.timeout(120000);
  let reg: TestRegistry;
  let dir: string;
  let store: ImageStore;
  before(async () => { reg = await startRegistry(); });
  after(async () => { await reg?.stop(); });
  beforeEach(() => {
    dir = tempDir('s-pull');
    store = openImageStore(dir);
  });
  afterEach(() => removeDir(dir));

  it('pulls an image pushed by skopeo with the same digests and Docker-style progress', async () => {
    const digest = await pushBusyboxImage(reg.host, 'team/busybox', 'v1');
    const msgs: ProgressMessage[] = [];
    const r = await pull(`${reg.host}/team/busybox:v1`, store, { dockerConfigDir: false }, (m) => msgs.push(m));
    assert.equal(r.digest, digest);
    assert.equal(r.manifest.digest, digest);
    const img = await store.inspect(`${reg.host}/team/busybox:v1`);
    assert.equal(img.id, r.id);
    assert.deepEqual(img.repoTags, [`${reg.host}/team/busybox:v1`]);
    assert.deepEqual(img.repoDigests, [`${reg.host}/team/busybox@${digest}`]);
    for (const l of img.layers) assert.equal(await store.content.verify(l.digest), true);
    assert.ok(img.size > 1000);
    const statuses = msgs.map((m) => m.status);
    assert.equal(statuses[0], 'Pulling from team/busybox');
    assert.ok(statuses.includes('Pulling fs layer'));
    assert.ok(statuses.includes('Pull complete'));
    assert.ok(statuses.includes(`Digest: ${digest}`));
    assert.equal(statuses.at(-1), `Status: Downloaded newer image for ${reg.host}/team/busybox:v1`);
    const layerMsg = msgs.find((m) => m.status === 'Pull complete')!;
    assert.match(layerMsg.id!, /^[a-f0-9]{12}$/);

    const again: ProgressMessage[] = [];
    await pull(`${reg.host}/team/busybox:v1`, store, { dockerConfigDir: false }, (m) => again.push(m));
    assert.ok(again.some((m) => m.status === 'Already exists'));
    assert.equal(again.at(-1)!.status, `Status: Image is up to date for ${reg.host}/team/busybox:v1`);
    // by digest
    const byDigest = await pull(`${reg.host}/team/busybox@${digest}`, store, { dockerConfigDir: false });
    assert.equal(byDigest.id, r.id);
  });

  it('pulls a multi-layer image with parallel downloads', async () => {
    const extra = await Promise.all([1, 2, 3, 4].map((i) => fileLayer(`data${i}.bin`, 2 << 20, i)));
    const digest = await pushBusyboxImage(reg.host, 'multi', 'latest', { extraLayers: extra });
    let active = 0;
    let maxActive = 0;
    const seen = new Set<string>();
    const r = await pull(`${reg.host}/multi`, store, { dockerConfigDir: false, concurrency: 3 }, (m) => {
      if (m.status === 'Downloading' && !seen.has(m.id!)) { seen.add(m.id!); active++; maxActive = Math.max(maxActive, active); }
      if (m.status === 'Download complete') active--;
    });
    assert.equal(r.digest, digest);
    const img = await store.inspect(r.id);
    assert.equal(img.layers.length, 5);
    assert.ok(maxActive >= 2, `expected parallel downloads, saw at most ${maxActive}`);
    assert.ok(maxActive <= 3);
  });

  it('pushes, and skopeo agrees on the manifest digest; a second repo mounts the layers', async () => {
    await pushBusyboxImage(reg.host, 'src', 'v1');
    await pull(`${reg.host}/src:v1`, store, { dockerConfigDir: false });
    await store.tag(`${reg.host}/src:v1`, `${reg.host}/dst/app:v2`);
    const msgs: ProgressMessage[] = [];
    const r = await push(`${reg.host}/dst/app:v2`, store, { dockerConfigDir: false }, (m) => msgs.push(m));
    assert.equal(await skopeoDigest(`${reg.host}/dst/app:v2`), r.digest);
    assert.ok(Object.values(r.blobs).includes('mounted'), JSON.stringify(r.blobs));
    assert.ok(msgs.some((m) => m.status === 'Mounted from src'));
    assert.equal(msgs.find((m) => m.aux)?.aux?.Digest, r.digest);
    assert.ok(msgs.some((m) => m.status === `v2: digest: ${r.digest} size: ${r.size}`));

    // pushing again: every blob is already there
    const again = await push(`${reg.host}/dst/app:v2`, store, { dockerConfigDir: false });
    assert.ok(Object.values(again.blobs).every((b) => b === 'exists'));
  });

  it('pushes layers the registry has never seen (POST + PUT) and pulls them back identically', async () => {
    const layer = zlib.gzipSync(await fileLayer('hello.txt', 100000, 7));
    const raw = zlib.gunzipSync(layer);
    const l = await store.content.ingest([layer], { layer: true });
    const base = { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers' as const, diff_ids: [l.diffId!] }, config: { Cmd: ['sh'] } };
    await store.putImage(base, [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: l.digest, size: l.size }], { refs: [{ domain: reg.host, path: 'fresh', tag: 'one' }] });
    const r = await push(`${reg.host}/fresh:one`, store, { dockerConfigDir: false });
    assert.ok(Object.values(r.blobs).every((b) => b === 'pushed'));
    assert.equal(await skopeoDigest(`${reg.host}/fresh:one`), r.digest);
    const other = openImageStore(tempDir('s-pull2'));
    try {
      const p = await pull(`${reg.host}/fresh:one`, other, { dockerConfigDir: false });
      assert.equal(p.digest, r.digest);
      const chunks: Buffer[] = [];
      for await (const c of await other.content.openLayer(l.digest)) chunks.push(c as Buffer);
      assert.deepEqual(Buffer.concat(chunks), raw);
    } finally {
      removeDir(path.dirname(other.root));
    }
  });

  it('refuses to push an image whose layer blob is gone from the store', async () => {
    const l = await store.content.ingest([zlib.gzipSync(await fileLayer('x', 10, 1))], { layer: true });
    await store.putImage({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [l.diffId!] } },
      [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: l.digest, size: l.size }], { refs: [{ domain: reg.host, path: 'broken', tag: 'x' }] });
    fs.rmSync(store.content.blobPath(l.digest));
    await assert.rejects(push(`${reg.host}/broken:x`, store, { dockerConfigDir: false }), (e: RegistryError) => e.kind === 'notFound' && /missing from the local store/.test(e.message));
  });

  it('gives clear errors for a missing tag, a missing repo and an unreachable host', async () => {
    await pushBusyboxImage(reg.host, 'exists', 'v1');
    await assert.rejects(pull(`${reg.host}/exists:nope`, store, { dockerConfigDir: false }), (e: RegistryError) => e.kind === 'notFound' && /manifest for .*exists:nope/.test(e.message));
    await assert.rejects(pull(`${reg.host}/missing/repo`, store, { dockerConfigDir: false }), (e: RegistryError) => e.kind === 'notFound');
    const closed = await freePort();
    await assert.rejects(pull(`127.0.0.1:${closed}/x`, store, { dockerConfigDir: false, attempts: 1 }), (e: RegistryError) => e.kind === 'unreachable' && /ECONNREFUSED/.test(e.message));
  });

  it('an interrupted pull leaves no partial blob; the next pull succeeds', async () => {
    const extra = [await fileLayer('big.bin', 8 << 20, 99)];
    await pushBusyboxImage(reg.host, 'big', 'latest', { extraLayers: extra });
    const ac = new AbortController();
    await assert.rejects(pull(`${reg.host}/big`, store, { dockerConfigDir: false, signal: ac.signal }, (m) => {
      if (m.status === 'Downloading' && (m.progressDetail?.current ?? 0) > 0) ac.abort();
    }));
    for (const d of await store.content.list()) assert.equal(await store.content.verify(d), true, `blob ${d} is corrupted`);
    assert.deepEqual(fs.readdirSync(path.join(store.root, 'ingest')), []);
    await assert.rejects(store.resolve(`${reg.host}/big`));
    const r = await pull(`${reg.host}/big`, store, { dockerConfigDir: false });
    const img = await store.inspect(r.id);
    for (const l of img.layers) assert.equal(await store.content.verify(l.digest), true);
  });
});
