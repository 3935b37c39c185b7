// Kept layer directories: a step's upper made among them and committed in place, lookup of the
// newest dir of a diffID, in-use protection, the unreferenced budget, prune and crash recovery.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LayerDirs } from '../../../engine/build/layerDirs';
import { removeDir, tempDir } from '../../harness/services';

const id = (c: string) => `sha256:${c.repeat(64)}`;
const tick = () => new Promise((r) => setTimeout(r, 5)); // distinct commit times

describe('build: kept layer directories', () => {
  let root: string;
  let dirs: LayerDirs;
  beforeEach(() => {
    root = tempDir('layerdirs');
    dirs = new LayerDirs(root);
  });
  afterEach(() => removeDir(root));

  function layer(diffID: string, content = diffID, size = 100): string {
    const p = dirs.create();
    fs.writeFileSync(path.join(p, 'f'), content);
    dirs.commit(p, diffID, size);
    return p;
  }

  it('a created dir is offered only once committed; the newest dir of a diffID wins, also after a restart', async () => {
    const p = dirs.create();
    assert.deepEqual(fs.readdirSync(p), []);
    assert.equal(dirs.path(id('a')), undefined);
    dirs.commit(p, id('a'), 10);
    assert.equal(dirs.path(id('a')), p);
    await tick();
    const newer = layer(id('a'), 'newer');
    assert.equal(dirs.path(id('a')), newer);
    assert.equal(new LayerDirs(root).path(id('a')), newer, 'read back from the info files');
    assert.throws(() => dirs.commit(path.join(root, 'elsewhere'), id('b'), 1), /not a layer dir/);
  });

  it('discard removes only dirs never committed', async () => {
    const kept = layer(id('k'));
    const dropped = dirs.create();
    await dirs.discard(dropped);
    await dirs.discard(kept);
    assert.ok(!fs.existsSync(dropped));
    assert.ok(fs.existsSync(kept) && dirs.path(id('k')) === kept);
  });

  it('sweep keeps referenced and in-use dirs and the newest unreferenced ones within the budget', async () => {
    const p: Record<string, string> = {};
    for (const c of ['1', '2', '3', '4']) {
      p[c] = layer(id(c));
      await tick();
    }
    const old2 = p['2'];
    p['2'] = layer(id('2'), 'newer 2'); // the older dir of diffID 2 is no longer referenced
    const release = dirs.use([p['1']]);
    await dirs.sweep(new Set([id('2')]), 150);
    // 1 in use, new 2 referenced, then newest first within 150 bytes: 4 kept, 3 and the old 2 go
    assert.deepEqual(['1', '2', '3', '4'].map((c) => fs.existsSync(p[c])), [true, true, false, true]);
    assert.ok(!fs.existsSync(old2));
    assert.equal(dirs.path(id('3')), undefined);
    release();
    await dirs.sweep(new Set(), 0);
    assert.deepEqual(fs.readdirSync(dirs.dir), []);
  });

  it('prune removes every committed dir no running build uses', async () => {
    const a = layer(id('a'));
    const b = layer(id('b'));
    const release = dirs.use([b]);
    await dirs.prune();
    assert.deepEqual([fs.existsSync(a), fs.existsSync(b)], [false, true]);
    release();
    await dirs.prune();
    assert.ok(!fs.existsSync(b));
  });

  it('recover removes dirs a crash left uncommitted, info files without a dir and interrupted removals', async () => {
    const kept = layer(id('a'));
    const uncommitted = dirs.create();
    fs.writeFileSync(path.join(dirs.dir, `${'c'.repeat(24)}.json`), JSON.stringify({ id: 'c'.repeat(24), diffID: id('c'), size: 1, committedAt: 1 }));
    fs.mkdirSync(path.join(dirs.dir, `${'d'.repeat(24)}.rm-1234`));
    await new LayerDirs(root).recover();
    assert.deepEqual(fs.readdirSync(dirs.dir).sort(), [path.basename(kept), `${path.basename(kept)}.json`].sort());
    assert.ok(!fs.existsSync(uncommitted));
  });
});
