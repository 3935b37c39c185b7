// Crash safety and concurrency of pulls into one store: kill -9 of a pulling process mid-download
// leaves a consistent store; concurrent pulls of the same image (one process, two processes) agree.
import * as assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openImageStore, shortId } from '../../../engine/image';
import { pull } from '../../../engine/registry';
import { pushBusyboxImage, randomLayer } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { removeDir, tempDir, waitFor } from '../../harness/services';

describe('pull crash safety and concurrency', function () {
  this.timeout(180000);
  let reg: TestRegistry;
  let dir: string;
  const children: ChildProcess[] = [];
  before(async () => {
    reg = await startRegistry();
    await pushBusyboxImage(reg.host, 'big', 'latest', { extraLayers: [await randomLayer('random.bin', 24 << 20), await randomLayer('random.bin', 4 << 20)] });
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await reg?.stop();
  });
  const dirs: string[] = [];
  const tempDirFor = () => { const d = tempDir('s-crash'); dirs.push(d); return d; };
  beforeEach(() => { dir = tempDirFor(); });
  afterEach(() => { while (dirs.length) removeDir(dirs.pop()!); });

  const script = () => {
    const file = path.join(tempDirFor(), 'puller.ts');
    fs.writeFileSync(file, `
      import { openImageStore } from ${JSON.stringify(path.resolve(__dirname, '../../../engine/image'))};
      import { pull } from ${JSON.stringify(path.resolve(__dirname, '../../../engine/registry'))};
      const [root, ref, stall] = process.argv.slice(2);
      let said = false;
      pull(ref, openImageStore(root), { dockerConfigDir: false }, (m) => {
        if (stall === 'stall' && m.status === 'Downloading' && !said && (m.progressDetail?.current ?? 0) > 0 && (m.progressDetail?.total ?? 0) > (1 << 20)) {
          said = true;
          process.stdout.write('DOWNLOADING ' + m.id + '\\n');
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000); // hold the download open
        }
      }).then((r) => { process.stdout.write('DONE ' + r.id + '\\n'); }, (e) => { console.error(e); process.exit(1); });
    `);
    return file;
  };
  const spawnPuller = (file: string, stall: boolean, root = dir) => {
    const c = fork(file, [root, `${reg.host}/big`, stall ? 'stall' : ''], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    children.push(c);
    let out = '';
    c.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    return { child: c, output: () => out };
  };

  it('kill -9 in the middle of a pull: no partial blob under a digest, no image, and the pull then completes', async () => {
    const p = spawnPuller(script(), true);
    const line = (await waitFor('the child to be mid-download', () => /DOWNLOADING ([a-f0-9]{12})/.exec(p.output()), 60000))!;
    const exited = new Promise((r) => p.child.once('exit', r));
    p.child.kill('SIGKILL');
    await exited;

    const store = openImageStore(dir);
    const partial = fs.readdirSync(path.join(store.root, 'ingest'));
    assert.ok(partial.length >= 1, 'the killed pull left its temp file in ingest/');
    for (const d of await store.content.list()) {
      assert.notEqual(shortId(d), line[1], 'the interrupted layer is not under its digest');
      assert.equal(await store.content.verify(d), true, `${d} verifies`);
    }
    await assert.rejects(store.resolve(`${reg.host}/big`), /No such image/);
    assert.deepEqual(await store.references(), {});

    await store.recover();
    assert.deepEqual(fs.readdirSync(path.join(store.root, 'ingest')), []);
    const r = await pull(`${reg.host}/big`, store, { dockerConfigDir: false });
    for (const l of (await store.inspect(r.id)).layers) assert.equal(await store.content.verify(l.digest), true);
  });

  it('two concurrent pulls in one process share each download; two processes pulling at once agree', async () => {
    const store = openImageStore(dir);
    const downloading = [new Set<string>(), new Set<string>()];
    const track = (i: number) => (m: { status?: string; id?: string }) => { if (m.status === 'Downloading') downloading[i].add(m.id!); };
    const [a, b] = await Promise.all([0, 1].map((i) => pull(`${reg.host}/big`, store, { dockerConfigDir: false }, track(i))));
    assert.equal(a.id, b.id);
    assert.equal((await store.list()).length, 1);
    const layers = (await store.inspect(a.id)).layers.map((l) => shortId(l.digest));
    assert.deepEqual([...downloading[0], ...downloading[1]].sort(), [...layers].sort(), 'each layer was transferred exactly once');

    const other = tempDirFor();
    const file = script();
    const ps = [spawnPuller(file, false, other), spawnPuller(file, false, other)];
    const codes = await Promise.all(ps.map((p) => new Promise<number | null>((r) => p.child.once('exit', (c) => r(c)))));
    assert.deepEqual(codes, [0, 0]);
    const s2 = openImageStore(other);
    const imgs = await s2.list();
    assert.equal(imgs.length, 1);
    assert.equal(imgs[0].id, a.id);
    for (const d of await s2.content.list()) assert.equal(await s2.content.verify(d), true);
    assert.deepEqual(fs.readdirSync(path.join(s2.root, 'ingest')), []);
  });
});
