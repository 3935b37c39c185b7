import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import { writeBusyboxOciLayout } from '../../harness/images';
import { applyChanges, importRootfs, ImageStore, loadImages, parseDockerRef, saveImages, sha256Digest } from '../../../engine/image';

async function tarOf(entries: Array<{ name: string; data?: Buffer | string; type?: 'symlink' | 'directory'; linkname?: string }>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  for (const e of entries) {
    if (e.type === 'symlink') pack.entry({ name: e.name, type: 'symlink', linkname: e.linkname });
    else if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory' });
    else pack.entry({ name: e.name, mode: 0o644 }, e.data ?? '');
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function collect(fn: (out: PassThrough) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await fn(out);
  return Buffer.concat(chunks);
}

async function listTar(buf: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const ex = tar.extract();
  ex.on('entry', (h, s, next) => {
    const parts: Buffer[] = [];
    s.on('data', (c: unknown) => { parts.push(c as Buffer); });
    s.on('end', () => { files.set(h.name, Buffer.concat(parts)); next(); });
  });
  await new Promise<void>((resolve, reject) => { ex.on('finish', resolve); ex.on('error', reject); Readable.from([buf]).pipe(ex); });
  return files;
}

describe('save / load / import', () => {
  let dir: string;
  let store: ImageStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-sl-'));
    store = new ImageStore(path.join(dir, 'a'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('imports a plain or gzip rootfs tar with --change, one-pass diffID and digest', async () => {
    const rootfs = await tarOf([{ name: 'etc/', type: 'directory' }, { name: 'etc/hello', data: 'hi\n' }]);
    const rec = await importRootfs(store, Readable.from([rootfs]), {
      reference: 'imported:v1', message: 'my import',
      changes: ['ENV A=1 B="two words"', 'ENV C=$A-x', 'CMD ["sh","-c","echo ok"]', 'ENTRYPOINT ["/bin/tini"]', 'CMD echo shell', 'EXPOSE 80 53/udp 1000-1001',
        'LABEL "a b"=c', 'USER app', 'WORKDIR /srv', 'WORKDIR sub', 'VOLUME /data', 'STOPSIGNAL SIGINT', 'ONBUILD RUN echo hi'],
    });
    const d = await store.inspect('imported:v1');
    assert.equal(d.id, rec.id);
    assert.equal(d.config.rootfs.diff_ids[0], sha256Digest(rootfs));
    assert.equal(d.layers[0].mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
    assert.equal((await store.content.layerInfo(d.layers[0].digest)).diffId, sha256Digest(rootfs));
    assert.deepEqual(d.config.config, {
      Env: ['A=1', 'B=two words', 'C=1-x'], Cmd: ['/bin/sh', '-c', 'echo shell'], Entrypoint: ['/bin/tini'],
      ExposedPorts: { '80/tcp': {}, '53/udp': {}, '1000/tcp': {}, '1001/tcp': {} }, Labels: { 'a b': 'c' }, User: 'app', WorkingDir: '/srv/sub',
      Volumes: { '/data': {} }, StopSignal: 'SIGINT', OnBuild: ['RUN echo hi'],
    });
    assert.equal(d.config.history?.[0].comment, 'my import');
    const gz = await importRootfs(store, Readable.from([zlib.gzipSync(rootfs)]), {});
    assert.equal(gz.id === rec.id, false);
    assert.equal((await store.config(gz)).rootfs.diff_ids[0], sha256Digest(rootfs));
    assert.equal((await store.config(gz)).history?.[0].comment, 'Imported from -');
  });

  it('rejects invalid change lines with Docker messages', () => {
    assert.throws(() => applyChanges({}, ['RUN echo x']), { message: 'RUN is not a valid change command' });
    assert.throws(() => applyChanges({}, ['FOO bar']), /unknown instruction: FOO/);
    assert.throws(() => applyChanges({}, ['EXPOSE abc']), /invalid containerPort: abc/);
    assert.throws(() => applyChanges({}, ['ONBUILD ONBUILD RUN x']), /Chaining ONBUILD/);
  });

  it('rejects xz input on import', async () => {
    await assert.rejects(importRootfs(store, Readable.from([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2])])), /unsupported compression/);
  });

  it('save writes manifest.json, repositories and an OCI layout that load restores identically', async () => {
    const rootfs = await tarOf([{ name: 'f', data: 'x'.repeat(5000) }]);
    const rec = await importRootfs(store, Readable.from([rootfs]), { reference: 'localhost:5000/team/app:1', changes: ['CMD ["sh"]'] });
    await store.tag(rec.id, 'other:2');
    const archive = await collect((out) => saveImages(store, ['localhost:5000/team/app:1', 'other:2'], out));
    const files = await listTar(archive);
    const manifest = JSON.parse(files.get('manifest.json')!.toString());
    assert.deepEqual(manifest, [{ Config: `blobs/sha256/${rec.id.slice(7)}`, RepoTags: ['localhost:5000/team/app:1', 'other:2'], Layers: [`blobs/sha256/${(await store.inspect(rec.id)).layers[0].digest.slice(7)}`] }]);
    assert.ok(files.has('oci-layout'));
    const index = JSON.parse(files.get('index.json')!.toString());
    assert.deepEqual(index.manifests.map((m: { annotations: Record<string, string> }) => m.annotations['io.containerd.image.name']), ['localhost:5000/team/app:1', 'docker.io/library/other:2']);
    assert.deepEqual(Object.keys(JSON.parse(files.get('repositories')!.toString())), ['localhost:5000/team/app', 'other']);
    for (const [name, data] of files) if (name.startsWith('blobs/sha256/')) assert.equal(sha256Digest(data), `sha256:${name.slice(13)}`);

    const other = new ImageStore(path.join(dir, 'b'));
    const lines: string[] = [];
    const res = await loadImages(other, Readable.from([archive]), (l) => lines.push(l));
    assert.deepEqual(lines, ['Loaded image: localhost:5000/team/app:1', 'Loaded image: other:2']);
    const d = await other.inspect('other:2');
    assert.equal(d.id, rec.id);
    assert.equal(d.manifest.digest, (await store.inspect(rec.id)).manifest.digest);
    assert.deepEqual(res.images, [{ id: rec.id, tags: ['localhost:5000/team/app:1', 'other:2'] }]);
    // saving by ID gives no tags
    const byId = await listTar(await collect((out) => saveImages(store, [rec.id.slice(7, 19)], out)));
    assert.equal(JSON.parse(byId.get('manifest.json')!.toString())[0].RepoTags, null);
  });

  it('loads the Docker 20.10 legacy layout (layer.tar dirs, <id>.json, symlinked duplicate layer)', async () => {
    const l1 = await tarOf([{ name: 'a', data: 'one' }]);
    const cfg = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: [sha256Digest(l1), sha256Digest(l1)] }, history: [{ created_by: 'x' }, { created_by: 'y' }] }));
    const id = sha256Digest(cfg).slice(7);
    const archive = await tarOf([
      { name: 'l1/', type: 'directory' }, { name: 'l1/VERSION', data: '1.0' }, { name: 'l1/layer.tar', data: l1 }, { name: 'l1/json', data: '{}' },
      { name: 'l2/', type: 'directory' }, { name: 'l2/layer.tar', type: 'symlink', linkname: '../l1/layer.tar' },
      { name: `${id}.json`, data: cfg },
      { name: 'manifest.json', data: JSON.stringify([{ Config: `${id}.json`, RepoTags: ['legacy:1'], Layers: ['l1/layer.tar', 'l2/layer.tar'] }]) },
      { name: 'repositories', data: JSON.stringify({ legacy: { 1: 'l2' } }) },
    ]);
    await store.putImage({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }, [], { refs: [parseDockerRef('legacy:1')] });
    const old = (await store.resolve('legacy:1')).id;
    const res = await loadImages(store, Readable.from([archive]));
    assert.deepEqual(res.messages, [`The image legacy:1 already exists, renaming the old one with ID ${old} to empty string`, 'Loaded image: legacy:1']);
    const d = await store.inspect('legacy:1');
    assert.equal(d.id, `sha256:${id}`);
    assert.deepEqual(d.layers.map((l) => [l.digest, l.mediaType]), [[sha256Digest(l1), 'application/vnd.oci.image.layer.v1.tar'], [sha256Digest(l1), 'application/vnd.oci.image.layer.v1.tar']]);
    assert.deepEqual(fs.readdirSync(path.join(store.root, 'tmp')), []);
  });

  it('loads a bare OCI image layout archive (index.json + blobs, as skopeo writes)', async () => {
    const layout = path.join(dir, 'layout');
    const manifestDigest = await writeBusyboxOciLayout(layout, { tag: 'v9' });
    const entries: Array<{ name: string; data: Buffer }> = [];
    const walk = (rel: string) => {
      for (const n of fs.readdirSync(path.join(layout, rel))) {
        const p = path.join(rel, n);
        if (fs.statSync(path.join(layout, p)).isDirectory()) walk(p);
        else entries.push({ name: p, data: fs.readFileSync(path.join(layout, p)) });
      }
    };
    walk('');
    const res = await loadImages(store, Readable.from([await tarOf(entries)]));
    const d = await store.inspect(res.images[0].id);
    assert.equal(d.manifest.digest, manifestDigest);
    assert.deepEqual(res.messages, [`Loaded image ID: ${d.id}`]);
  });

  it('loads an archive whose names start with ./ (tar -C dir .) and tags by a full OCI ref.name', async () => {
    const layout = path.join(dir, 'layout');
    const manifestDigest = await writeBusyboxOciLayout(layout, { tag: 'busybox:latest' });
    const entries: Array<{ name: string; data?: Buffer; type?: 'directory' }> = [{ name: './', type: 'directory' }];
    const walk = (rel: string) => {
      for (const n of fs.readdirSync(path.join(layout, rel))) {
        const p = `${rel}/${n}`;
        if (fs.statSync(path.join(layout, p)).isDirectory()) { entries.push({ name: `${p}/`, type: 'directory' }); walk(p); }
        else entries.push({ name: p, data: fs.readFileSync(path.join(layout, p)) });
      }
    };
    walk('.');
    const res = await loadImages(store, Readable.from([await tarOf(entries)]));
    assert.deepEqual(res.messages, ['Loaded image: busybox:latest']);
    const d = await store.inspect('busybox');
    assert.equal(d.manifest.digest, manifestDigest);
    assert.deepEqual(d.repoTags, ['busybox:latest']);
  });

  it('refuses archives with unsafe names, escaping symlinks or wrong diffIDs', async () => {
    for (const name of ['../evil', './../evil', 'a/../../evil', '/etc/evil']) {
      await assert.rejects(loadImages(store, Readable.from([await tarOf([{ name, data: 'x' }])])), /unsafe entry name/, name);
    }
    const l1 = await tarOf([{ name: 'a', data: 'one' }]);
    const cfg = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest('nope')] } }));
    const bad = await tarOf([{ name: 'c.json', data: cfg }, { name: 'l/layer.tar', data: l1 }, { name: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', Layers: ['l/layer.tar'] }]) }]);
    await assert.rejects(loadImages(store, Readable.from([bad])), /has diffID .* the config expects/);
    const escape = await tarOf([{ name: 'c.json', data: cfg }, { name: 'l/layer.tar', type: 'symlink', linkname: '../../../etc/passwd' }, { name: 'manifest.json', data: JSON.stringify([{ Config: 'c.json', Layers: ['l/layer.tar'] }]) }]);
    await assert.rejects(loadImages(store, Readable.from([escape])), /missing or escapes the archive/);
    await assert.rejects(loadImages(store, Readable.from([await tarOf([{ name: 'x', data: 'y' }])])), /neither manifest.json nor index.json/);
    assert.deepEqual(await store.list(), []);
  });
});
