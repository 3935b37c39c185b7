// applyLayer against hostile tars (moby testBreakout-style: a victim next to the root must stay
// untouched) and layer semantics (whiteouts, opaque dirs, ownership recording).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import { applyLayer } from '../../../engine/image/layer';
import { removeDir, tempDir } from '../../harness/services';

type Entry = Partial<tar.Header> & { name: string; pax?: Record<string, string>; content?: string | Buffer };

async function makeTar(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  for (const { content, ...h } of entries) pack.entry({ mtime: new Date(1_600_000_000_000), ...h }, content ?? '');
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

describe('layer: applyLayer confinement', () => {
  let base: string;
  let root: string;
  let victim: string;
  const victimFile = () => path.join(victim, 'hello');

  beforeEach(() => {
    base = tempDir('layer-apply');
    root = path.join(base, 'root');
    victim = path.join(base, 'victim');
    fs.mkdirSync(root);
    fs.mkdirSync(victim);
    fs.writeFileSync(victimFile(), 'original');
    fs.chmodSync(victimFile(), 0o644);
  });
  afterEach(() => removeDir(base));

  const victimUnchanged = () => {
    assert.equal(fs.readFileSync(victimFile(), 'utf8'), 'original');
    assert.equal(fs.statSync(victimFile()).mode & 0o7777, 0o644);
    assert.deepEqual(fs.readdirSync(victim), ['hello']);
    assert.deepEqual(fs.readdirSync(base).sort(), ['root', 'victim']);
  };

  it('refuses an entry that climbs out with ..', async () => {
    const t = await makeTar([{ name: '../victim/hello', content: 'pwned' }]);
    await assert.rejects(applyLayer(Readable.from(t), root), /climbs out/);
    victimUnchanged();
  });

  it('reads an absolute entry name relative to the root', async () => {
    const t = await makeTar([{ name: `/${victimFile()}`, content: 'inside' }]);
    await applyLayer(Readable.from(t), root);
    victimUnchanged();
    assert.equal(fs.readFileSync(path.join(root, victimFile()), 'utf8'), 'inside');
  });

  it('writes through a relative escaping symlink dir stay inside the root', async () => {
    const t = await makeTar([
      { name: 'loophole', type: 'symlink', linkname: '../victim' },
      { name: 'loophole/hello', content: 'pwned' },
    ]);
    await applyLayer(Readable.from(t), root);
    victimUnchanged();
    assert.equal(fs.readFileSync(path.join(root, 'victim/hello'), 'utf8'), 'pwned');
    assert.equal(fs.readlinkSync(path.join(root, 'loophole')), '../victim', 'symlink targets are stored verbatim');
  });

  it('writes through an absolute symlink resolve inside the root', async () => {
    const t = await makeTar([
      { name: 'abs', type: 'symlink', linkname: victim },
      { name: 'abs/hello', content: 'pwned' },
    ]);
    await applyLayer(Readable.from(t), root);
    victimUnchanged();
    assert.equal(fs.readFileSync(path.join(root, victim, 'hello'), 'utf8'), 'pwned');
  });

  it('replaces (never writes through) an existing symlink at the entry path', async () => {
    fs.symlinkSync(victimFile(), path.join(root, 'planted'));
    const t = await makeTar([{ name: 'planted', content: 'pwned', mode: 0o777 }]);
    await applyLayer(Readable.from(t), root);
    victimUnchanged();
    assert.ok(fs.lstatSync(path.join(root, 'planted')).isFile());
  });

  it('refuses a hardlink to a path outside the root', async () => {
    const t = await makeTar([{ name: 'h', type: 'link', linkname: '../victim/hello' }]);
    await assert.rejects(applyLayer(Readable.from(t), root), /outside the root/);
    victimUnchanged();
  });

  it('a hardlink through a symlinked dir is resolved inside the root (then missing)', async () => {
    const t = await makeTar([
      { name: 'loophole', type: 'symlink', linkname: victim },
      { name: 'h', type: 'link', linkname: 'loophole/hello' },
    ]);
    await assert.rejects(applyLayer(Readable.from(t), root), /does not exist/);
    victimUnchanged();
  });

  it('a hardlink to a symlink links the symlink itself; rewriting it does not touch the victim', async () => {
    const t = await makeTar([
      { name: 'sym', type: 'symlink', linkname: victimFile() },
      { name: 'h', type: 'link', linkname: 'sym' },
      { name: 'h', content: 'pwned' },
    ]);
    await applyLayer(Readable.from(t), root);
    victimUnchanged();
    assert.equal(fs.readlinkSync(path.join(root, 'sym')), victimFile());
  });

  it('never changes the type of the root', async () => {
    const t = await makeTar([{ name: './', type: 'symlink', linkname: victim }]);
    await assert.rejects(applyLayer(Readable.from(t), root), /replace the root/);
    assert.ok(fs.lstatSync(root).isDirectory());
  });

  it('whiteouts through a symlink cannot delete outside the root', async () => {
    const t = await makeTar([
      { name: 'lnk', type: 'symlink', linkname: victim },
      { name: 'lnk/.wh.hello', content: '' },
      { name: 'up/.wh...', content: '' },
    ]);
    await assert.rejects(applyLayer(Readable.from(t), root), /invalid whiteout/);
    victimUnchanged();
  });

  it('fails cleanly on an oversized PAX header', async () => {
    const t = await makeTar([{ name: 'x', content: 'y', pax: { comment: 'a'.repeat(5 * 1024 * 1024) } } as Entry]);
    await assert.rejects(applyLayer(Readable.from(t), root), /max size/);
  });

  it('enforces the depth and entry-count limits', async () => {
    const deep = await makeTar([{ name: `${'d/'.repeat(50)}f`, content: 'x' }]);
    await assert.rejects(applyLayer(Readable.from(deep), root, { limits: { maxDepth: 20 } }), /deeper than 20/);
    const many = await makeTar(Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, content: '' })));
    await assert.rejects(applyLayer(Readable.from(many), root, { limits: { maxEntries: 10 } }), /more than 10 entries/);
  });

  it('extracts a relative symlink that climbs high and a self-referencing symlink (kaniko positives)', async () => {
    const t = await makeTar([
      { name: 'usr/lib/jvm/security/cacerts', type: 'symlink', linkname: '../../../../etc/pki/java/cacerts' },
      { name: 'etc/pki/java/cacerts', content: 'certs' },
      { name: 'bin/dash', type: 'symlink', linkname: 'dash' },
    ]);
    await applyLayer(Readable.from(t), root);
    assert.equal(fs.readlinkSync(path.join(root, 'usr/lib/jvm/security/cacerts')), '../../../../etc/pki/java/cacerts');
    assert.equal(fs.readlinkSync(path.join(root, 'bin/dash')), 'dash');
  });
});

describe('layer: applyLayer semantics', () => {
  let root: string;
  beforeEach(() => { root = tempDir('layer-sem'); });
  afterEach(() => removeDir(root));

  it('applies gzip layers, whiteouts and opaque dirs (opaque keeps what the layer itself wrote)', async () => {
    const lower = await makeTar([
      { name: 'a', content: 'a' },
      { name: 'd/', type: 'directory', mode: 0o755 },
      { name: 'd/old', content: 'old' },
      { name: 'e/', type: 'directory', mode: 0o755 },
      { name: 'e/keep', content: 'k' },
    ]);
    await applyLayer(Readable.from(lower), root);
    const upper = await makeTar([
      { name: '.wh.a', content: '' },
      { name: 'd/new', content: 'new' },
      { name: 'd/.wh..wh..opq', content: '' },
      { name: 'e/added', content: 'x' },
    ]);
    await applyLayer(Readable.from(zlib.gzipSync(upper)), root);
    assert.ok(!fs.existsSync(path.join(root, 'a')));
    assert.deepEqual(fs.readdirSync(path.join(root, 'd')), ['new']);
    assert.deepEqual(fs.readdirSync(path.join(root, 'e')).sort(), ['added', 'keep']);
  });

  it('mirror mode keeps unchanged files, rewrites changed content (same size and mtime) and removes unnamed paths', async () => {
    const digests = new Map<number, string>();
    const mirror = { digestOf: (_p: string, st: fs.Stats) => digests.get(st.ino) };
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    const first = await makeTar([{ name: 'keep', content: 'same' }, { name: 'change', content: 'aaaa' }, { name: 'gone/f', content: 'x' }]);
    await applyLayer(Readable.from(first), root, { mirror });
    const keepIno = fs.statSync(path.join(root, 'keep')).ino;
    const changeIno = fs.statSync(path.join(root, 'change')).ino;
    digests.set(keepIno, sha('same'));
    digests.set(changeIno, sha('aaaa'));
    const second = await makeTar([{ name: 'keep', content: 'same' }, { name: 'change', content: 'bbbb' }, { name: 'new', content: 'n' }]);
    await applyLayer(Readable.from(second), root, { mirror });
    assert.equal(fs.statSync(path.join(root, 'keep')).ino, keepIno, 'unchanged file not rewritten');
    assert.equal(fs.readFileSync(path.join(root, 'change'), 'utf8'), 'bbbb');
    assert.deepEqual(fs.readdirSync(root).sort(), ['change', 'keep', 'new']);
  });

  it('replaces a directory by a file and a file by a directory', async () => {
    await applyLayer(Readable.from(await makeTar([{ name: 'x/', type: 'directory' }, { name: 'x/y', content: '1' }, { name: 'f', content: 'f' }])), root);
    await applyLayer(Readable.from(await makeTar([{ name: 'x', content: 'now a file' }, { name: 'f/', type: 'directory', mode: 0o700 }])), root);
    assert.equal(fs.readFileSync(path.join(root, 'x'), 'utf8'), 'now a file');
    assert.ok(fs.statSync(path.join(root, 'f')).isDirectory());
    assert.equal(fs.statSync(path.join(root, 'f')).mode & 0o777, 0o700);
  });

  it('sets modes (incl. setuid), owners and mtimes, or records owners in record mode', async () => {
    const t = await makeTar([
      { name: 'bin/', type: 'directory', mode: 0o755, uid: 0, gid: 0 },
      { name: 'bin/su', content: 'x', mode: 0o4755, uid: 0, gid: 0 },
      { name: 'home/app/', type: 'directory', mode: 0o750, uid: 1000, gid: 1000 },
      { name: 'home/app/f', content: 'x', mode: 0o600, uid: 1000, gid: 1001 },
    ]);
    const res = await applyLayer(Readable.from(t), root, { ownership: 'record' });
    assert.equal(fs.statSync(path.join(root, 'bin/su')).mode & 0o7777, 0o4755);
    assert.equal(fs.statSync(path.join(root, 'home/app')).mode & 0o7777, 0o750);
    assert.equal(fs.statSync(path.join(root, 'bin/su')).mtimeMs, 1_600_000_000_000);
    assert.equal(fs.statSync(path.join(root, 'home/app')).mtimeMs, 1_600_000_000_000);
    assert.deepEqual([...res.ownership.entries()].sort(), [['home/app', { uid: 1000, gid: 1000 }], ['home/app/f', { uid: 1000, gid: 1001 }]]);
    if (process.getuid!() === 0) {
      const root2 = tempDir('layer-own');
      try {
        await applyLayer(Readable.from(t), root2, { ownership: 'chown' });
        const st = fs.statSync(path.join(root2, 'home/app/f'));
        assert.deepEqual([st.uid, st.gid], [1000, 1001]);
        assert.equal(fs.statSync(path.join(root2, 'bin/su')).mode & 0o7777, 0o4755, 'chmod after chown keeps setuid');
      } finally {
        removeDir(root2);
      }
    }
  });
});
