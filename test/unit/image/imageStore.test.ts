import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ImageStore, parseDockerRef, sha256Digest, type ImageConfig } from '../../../engine/image';

/** Stores a gzip layer holding `content` and returns its descriptor and diffID. */
async function addLayer(store: ImageStore, content: string) {
  const raw = Buffer.from(content.padEnd(1024, '\0'));
  const gz = zlib.gzipSync(raw);
  const r = await store.content.ingest([gz], { layer: true });
  return { desc: { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: r.digest, size: r.size }, diffId: r.diffId!, raw };
}

async function makeImage(store: ImageStore, layers: string[], tags: string[], extra: Partial<ImageConfig> = {}) {
  const ls = [];
  for (const l of layers) ls.push(await addLayer(store, l));
  const config: ImageConfig = {
    architecture: 'amd64', os: 'linux', created: '2024-05-01T10:00:00Z',
    config: { Cmd: ['sh'], Labels: { a: 'b' } },
    rootfs: { type: 'layers', diff_ids: ls.map((l) => l.diffId) },
    history: [...ls.map((_, i) => ({ created: '2024-05-01T10:00:00Z', created_by: `step ${i}` })), { created: '2024-05-01T10:00:01Z', created_by: 'CMD ["sh"]', empty_layer: true }],
    ...extra,
  };
  return store.putImage(config, ls.map((l) => l.desc), { refs: tags.map(parseDockerRef) });
}

describe('image store', () => {
  let dir: string;
  let store: ImageStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-is-'));
    store = new ImageStore(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('records an image whose ID is the config digest, lists and inspects it', async () => {
    const rec = await makeImage(store, ['one', 'two'], ['app:1', 'localhost:5000/app:2']);
    assert.equal(rec.id, sha256Digest(await store.content.readBuffer(rec.id)));
    const [s] = await store.list();
    assert.equal(s.id, rec.id);
    assert.deepEqual(s.repoTags, ['app:1', 'localhost:5000/app:2']);
    assert.equal(s.created, Date.parse('2024-05-01T10:00:00Z') / 1000);
    assert.equal(s.size, 2048);
    assert.deepEqual(s.labels, { a: 'b' });
    for (const q of ['app:1', 'docker.io/library/app:1', rec.id, rec.id.slice(7), rec.id.slice(7, 19), rec.id.slice(0, 15)]) {
      assert.equal((await store.resolve(q)).id, rec.id, q);
    }
    await assert.rejects(store.resolve('app'), { message: 'No such image: app' });
    await assert.rejects(store.resolve('zzz'), (e: Error & { kind?: string }) => e.kind === 'notFound');
  });

  it('refuses a manifest whose layers do not match the config diffIDs', async () => {
    const l = await addLayer(store, 'x');
    await assert.rejects(store.putImage({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest('other')] } }, [l.desc]), /uncompresses to/);
    assert.deepEqual(await store.list(), []);
  });

  it('history is newest first with <missing> below the top and layer sizes', async () => {
    const rec = await makeImage(store, ['a', 'b'], ['h:1']);
    const h = await store.history('h:1');
    assert.deepEqual(h.map((r) => [r.Id, r.CreatedBy, r.Size]), [[rec.id, 'CMD ["sh"]', 0], ['<missing>', 'step 1', 1024], ['<missing>', 'step 0', 1024]]);
    assert.deepEqual(h[0].Tags, ['h:1']);
  });

  it('tag and untag; rmi by tag untags, rmi of the last tag deletes (with digest refs)', async () => {
    const rec = await makeImage(store, ['a'], ['x:1', `x@sha256:${'c'.repeat(64)}`]);
    await assert.rejects(store.tag(rec.id, `z@sha256:${'c'.repeat(64)}`), /digest/);
    await store.tag('x:1', 'y:2');
    await store.tag(rec.id.slice(7, 19), 'y');
    assert.deepEqual((await store.inspect(rec.id)).repoTags, ['x:1', 'y:2', 'y:latest']);
    assert.deepEqual(await store.delete('y:2'), [{ Untagged: 'y:2' }]);
    assert.deepEqual(await store.delete('y'), [{ Untagged: 'y:latest' }]);
    assert.deepEqual(await store.delete('x:1'), [{ Untagged: 'x:1' }, { Untagged: `x@sha256:${'c'.repeat(64)}` }, { Deleted: rec.id }]);
    assert.deepEqual(await store.list(), []);
    await assert.rejects(store.tag('x:1', 'z'), /No such image/);
  });

  it('rmi by ID: conflicts like Docker, force untags everything', async () => {
    const rec = await makeImage(store, ['a'], ['one:1', 'two:1']);
    const short = rec.id.slice(7, 19);
    await assert.rejects(store.delete(short), { message: `conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories` });
    const running = () => [{ id: 'f'.repeat(64), running: true }];
    const stopped = () => [{ id: 'e'.repeat(64), running: false }];
    await assert.rejects(store.delete(short, { force: true, containersUsing: running }), { message: `conflict: unable to delete ${short} (cannot be forced) - image is being used by running container ffffffffffff` });
    await assert.rejects(store.delete(short, { containersUsing: stopped }), /must be forced\) - image is referenced in multiple repositories/);
    await store.untag('two:1');
    await assert.rejects(store.delete(short, { containersUsing: stopped }), { message: `conflict: unable to delete ${short} (must be forced) - image is being used by stopped container eeeeeeeeeeee` });
    await assert.rejects(store.delete('one:1', { containersUsing: stopped }), { message: `conflict: unable to remove repository reference "one:1" (must force) - container eeeeeeeeeeee is using its referenced image ${short}` });
    await store.tag('one:1', 'two:1');
    const out = await store.delete(short, { force: true, containersUsing: stopped });
    assert.deepEqual(out, [{ Untagged: 'one:1' }, { Untagged: 'two:1' }, { Deleted: rec.id }]);
  });

  it('rmi of the only tag refuses while a stopped container uses the image, even with a digest reference (isSingleReference)', async () => {
    const digestRef = `busybox@sha256:${'d'.repeat(64)}`;
    const rec = await makeImage(store, ['a'], ['busybox:latest', digestRef]);
    const short = rec.id.slice(7, 19);
    const stopped = () => [{ id: 'e'.repeat(64), running: false }];
    await assert.rejects(store.delete('busybox', { containersUsing: stopped }), { message: `conflict: unable to remove repository reference "busybox" (must force) - container eeeeeeeeeeee is using its referenced image ${short}` });
    assert.deepEqual((await store.inspect(rec.id)).repoTags, ['busybox:latest']);
    // a second tag in the same repository makes it no longer a single reference: untag works
    await store.tag('busybox', 'busybox:2');
    assert.deepEqual(await store.delete('busybox:2', { containersUsing: stopped }), [{ Untagged: 'busybox:2' }]);
    // by ID, two tags of one repository count as multiple references, reported before the stopped container (dockerd 20.10)
    await store.tag('busybox', 'busybox:2');
    await assert.rejects(store.delete(short, { containersUsing: stopped }), { message: `conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories` });
    await store.untag('busybox:2');
    // by ID with one tag plus its digest reference: everything goes
    assert.deepEqual(await store.delete(short), [{ Untagged: 'busybox:latest' }, { Untagged: digestRef }, { Deleted: rec.id }]);
  });

  it('rmi frees the image blobs at once, except shared ones; GC removes strays and honours registered roots', async () => {
    const a = await makeImage(store, ['shared', 'only-a'], ['a:1']);
    const aLayers = (await store.inspect('a:1')).layers.map((l) => l.digest);
    const b = await makeImage(store, ['shared', 'only-b'], ['b:1']);
    const stray = await store.content.put('stray');
    const kept = await store.content.put('kept by the build cache');
    store.addGcRoots(async () => [kept.digest]);
    assert.deepEqual((await store.gc()).removed, [], 'young blobs are kept for other processes');
    await store.delete('a:1');
    let blobs = new Set(await store.content.list());
    assert.ok(!blobs.has(a.id), 'config of the deleted image is gone');
    assert.ok(!blobs.has(aLayers[1]), 'its own layer is gone');
    assert.ok(blobs.has(aLayers[0]), 'the layer shared with b stays');
    assert.ok(blobs.has(stray.digest), 'rmi only collects the blobs of the deleted image');
    const gc = await store.gc({ graceMs: 0 });
    blobs = new Set(await store.content.list());
    assert.deepEqual(gc.removed, [stray.digest]);
    assert.equal(gc.bytes, 5);
    assert.ok(blobs.has(kept.digest));
    assert.ok(blobs.has(b.id));
    for (const l of (await store.inspect('b:1')).layers) assert.ok(blobs.has(l.digest));
  });

  it('prune removes dangling images, or all unused with all', async () => {
    const keep = await makeImage(store, ['k'], ['keep:1']);
    const dangling = await makeImage(store, ['d'], []);
    const used = await makeImage(store, ['u'], ['used:1']);
    const r1 = await store.prune();
    assert.deepEqual(r1.deleted, [{ Deleted: dangling.id }]);
    const r2 = await store.prune({ all: true, inUse: new Set([used.id]) });
    assert.deepEqual(r2.deleted, [{ Untagged: 'keep:1' }, { Deleted: keep.id }]);
    assert.deepEqual((await store.list()).map((s) => s.id), [used.id]);
  });

  it('two processes adding tags concurrently never lose or corrupt references', async function () {
    this.timeout(60000);
    const rec = await makeImage(store, ['p'], ['p:0']);
    const script = path.join(dir, 'tagger.ts');
    fs.writeFileSync(script, `
      import { ImageStore } from ${JSON.stringify(path.resolve(__dirname, '../../../engine/image'))};
      const [root, id, prefix] = process.argv.slice(2);
      (async () => { const s = new ImageStore(root); for (let i = 0; i < 15; i++) await s.tag(id, prefix + ':' + i); })()
        .catch((e) => { console.error(e); process.exit(1); });
    `);
    const runOne = (prefix: string) => new Promise<number>((resolve) => {
      const c = fork(script, [dir, rec.id, prefix], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
      c.on('exit', (code) => resolve(code ?? 1));
    });
    assert.deepEqual(await Promise.all([runOne('left'), runOne('right'), store.tag(rec.id, 'mine:1').then(() => 0)]), [0, 0, 0]);
    const tags = (await store.inspect(rec.id)).repoTags;
    assert.equal(tags.length, 1 + 15 + 15 + 1);
  });
});
