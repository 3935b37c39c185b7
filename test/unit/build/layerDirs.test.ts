// Kept layer directories: adoption of a step's upper, in-use protection, the unreferenced budget,
// prune and crash recovery.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LayerDirs } from '../../../engine/build/layerDirs';
import { removeDir, tempDir } from '../../harness/services';

const id = (c: string) => `sha256:${c.repeat(64)}`;

describe('build: kept layer directories', () => {
  let root: string;
  let dirs: LayerDirs;
  beforeEach(() => {
    root = tempDir('layerdirs');
    dirs = new LayerDirs(root);
  });
  afterEach(() => removeDir(root));

  function upper(name: string, file = 'f'): string {
    const u = path.join(root, 'steps', name);
    fs.mkdirSync(u, { recursive: true });
    fs.writeFileSync(path.join(u, file), name);
    return u;
  }

  it('adopts an upper dir under its diffID; a second upper with the same diffID is left to its step', () => {
    const a = upper('a');
    assert.ok(!dirs.has(id('a')));
    const kept = dirs.adopt(a, id('a'), 10);
    assert.equal(kept, dirs.path(id('a')));
    assert.ok(dirs.has(id('a')) && !fs.existsSync(a));
    assert.equal(fs.readFileSync(path.join(kept, 'f'), 'utf8'), 'a');
    const again = upper('again');
    assert.equal(dirs.adopt(again, id('a'), 10), kept);
    assert.ok(fs.existsSync(again), 'the duplicate stays where it is');
    assert.equal(fs.readFileSync(path.join(kept, 'f'), 'utf8'), 'a');
  });

  it('sweep keeps referenced and in-use dirs and the newest unreferenced ones within the budget', async () => {
    for (const c of ['1', '2', '3', '4']) {
      dirs.adopt(upper(c), id(c), 100);
      await new Promise((r) => setTimeout(r, 5)); // distinct commit times: 4 is the newest
    }
    const release = dirs.use([id('1')]);
    await dirs.sweep(new Set([id('2')]), 150);
    // 1 in use, 2 referenced, 4 newest (100 <= 150), 3 beyond the budget
    assert.deepEqual(['1', '2', '3', '4'].map((c) => dirs.has(id(c))), [true, true, false, true]);
    assert.ok(!fs.existsSync(dirs.path(id('3'))));
    release();
    await dirs.sweep(new Set(), 0);
    assert.deepEqual(['1', '2', '4'].map((c) => dirs.has(id(c))), [false, false, false]);
    assert.deepEqual(fs.readdirSync(dirs.dir), []);
  });

  it('prune removes everything no running build uses', async () => {
    dirs.adopt(upper('a'), id('a'), 1);
    dirs.adopt(upper('b'), id('b'), 1);
    const release = dirs.use([id('b')]);
    await dirs.prune();
    assert.deepEqual([dirs.has(id('a')), dirs.has(id('b'))], [false, true]);
    release();
    await dirs.prune();
    assert.ok(!dirs.has(id('b')));
  });

  it('recover removes a dir a crash left without its info file, and an info file without its dir', async () => {
    dirs.adopt(upper('a'), id('a'), 1);
    fs.mkdirSync(dirs.path(id('b')));
    fs.writeFileSync(`${dirs.path(id('c'))}.json`, '{}');
    fs.mkdirSync(`${dirs.path(id('d'))}.rm-1234`);
    await dirs.recover();
    assert.deepEqual(fs.readdirSync(dirs.dir).sort(), [id('a').slice(7), `${id('a').slice(7)}.json`].sort());
    // a crashed half-adoption is replaced by the next adoption of that diffID
    fs.mkdirSync(dirs.path(id('e')));
    fs.writeFileSync(path.join(dirs.path(id('e')), 'stale'), '');
    const kept = dirs.adopt(upper('e'), id('e'), 1);
    assert.deepEqual(fs.readdirSync(kept), ['f']);
  });
});
