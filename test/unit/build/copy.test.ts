// COPY / ADD semantics on temp dirs: destination rules, directory contents, globs, ownership,
// --chmod, --parents, --exclude, archives, confinement of sources and destinations, and the
// content hash used in cache keys (content, not mtimes).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import { executeCopy, planCopy, type CopyOptions, type CopySourceRoot } from '../../../engine/build/copy';
import { IgnoreMatcher } from '../../../engine/build/dockerignore';
import { removeDir, tempDir } from '../../harness/services';

describe('build: COPY/ADD semantics', () => {
  let ctx: string;
  let rootfs: string;
  let outside: string;
  const sr = (): CopySourceRoot => ({ root: ctx, preserveOwnership: false });
  const copy = async (sources: string[], opts: CopyOptions, extra: { add?: boolean; excludes?: string[]; src?: CopySourceRoot } = {}) => {
    const s = extra.src ?? sr();
    const plan = await planCopy(s, { sources, add: extra.add, excludes: extra.excludes });
    await executeCopy(rootfs, s, plan, { ...opts, excludes: extra.excludes });
    return plan;
  };
  const read = (p: string) => fs.readFileSync(path.join(rootfs, p), 'utf8');

  beforeEach(() => {
    ctx = tempDir('copy-ctx');
    rootfs = tempDir('copy-root');
    outside = tempDir('copy-outside');
    fs.writeFileSync(path.join(ctx, 'a.txt'), 'A');
    fs.writeFileSync(path.join(ctx, 'b.txt'), 'B');
    fs.mkdirSync(path.join(ctx, 'dir/sub'), { recursive: true });
    fs.writeFileSync(path.join(ctx, 'dir/x'), 'x');
    fs.writeFileSync(path.join(ctx, 'dir/sub/y'), 'y');
    fs.writeFileSync(path.join(outside, 'secret'), 'secret');
    fs.mkdirSync(path.join(rootfs, 'existing'));
  });
  afterEach(() => { removeDir(ctx); removeDir(rootfs); removeDir(outside); });

  it('a file to a path without slash is renamed; with slash or into an existing dir it keeps its name', async () => {
    await copy(['a.txt'], { dest: '/renamed' });
    await copy(['a.txt'], { dest: '/new/' });
    await copy(['a.txt'], { dest: '/existing' });
    assert.equal(read('renamed'), 'A');
    assert.equal(read('new/a.txt'), 'A');
    assert.equal(read('existing/a.txt'), 'A');
  });

  it('a directory copies its contents; several sources need a directory destination', async () => {
    await copy(['dir'], { dest: '/d' });
    assert.deepEqual(fs.readdirSync(path.join(rootfs, 'd')).sort(), ['sub', 'x']);
    await copy(['a.txt', 'b.txt'], { dest: '/multi/' });
    assert.deepEqual(fs.readdirSync(path.join(rootfs, 'multi')).sort(), ['a.txt', 'b.txt']);
    fs.writeFileSync(path.join(rootfs, 'afile'), '');
    await assert.rejects(copy(['a.txt', 'b.txt'], { dest: '/afile' }), /must be a directory/);
  });

  it('globs match per path component; no match is an error', async () => {
    await copy(['*.txt'], { dest: '/g' });
    assert.deepEqual(fs.readdirSync(path.join(rootfs, 'g')).sort(), ['a.txt', 'b.txt']);
    await copy(['dir/*/y'], { dest: '/deep/' });
    assert.equal(read('deep/y'), 'y');
    await assert.rejects(copy(['*.nothing'], { dest: '/n/' }), /no source files/);
    await assert.rejects(copy(['missing.txt'], { dest: '/n/' }), /file not found in build context/);
  });

  it('--chown applies to files and created parents; --chmod to what is copied', async () => {
    await copy(['dir'], { dest: '/owned/by/app', chown: { uid: 1000, gid: 1001 }, chmod: 0o751 });
    for (const p of ['owned', 'owned/by', 'owned/by/app', 'owned/by/app/x', 'owned/by/app/sub/y']) {
      const st = fs.statSync(path.join(rootfs, p));
      assert.deepEqual([st.uid, st.gid], [1000, 1001], p);
    }
    assert.equal(fs.statSync(path.join(rootfs, 'owned/by/app/x')).mode & 0o7777, 0o751);
    assert.equal(fs.statSync(path.join(rootfs, 'owned/by')).mode & 0o7777, 0o755);
  });

  it('keeps content, special mode bits and mtimes; a setgid destination dir still gets the owner asked for; removals are reported', async () => {
    fs.writeFileSync(path.join(ctx, 'suid'), 'S');
    fs.chmodSync(path.join(ctx, 'suid'), 0o4755);
    fs.writeFileSync(path.join(ctx, 'empty'), '');
    fs.writeFileSync(path.join(ctx, 'big'), Buffer.alloc((1 << 20) + 3, 7));
    const when = new Date('2020-02-02T02:02:02Z');
    for (const f of ['suid', 'empty', 'big', 'dir/x', 'dir']) fs.utimesSync(path.join(ctx, f), when, when);
    fs.mkdirSync(path.join(rootfs, 'sgid'));
    fs.chownSync(path.join(rootfs, 'sgid'), 0, 1234);
    fs.chmodSync(path.join(rootfs, 'sgid'), 0o2775);
    const plan = await planCopy(sr(), { sources: ['suid', 'empty', 'big', 'dir'] });
    const first = await executeCopy(rootfs, sr(), plan, { dest: '/sgid/' });
    assert.equal(first.removed, false);
    for (const f of ['suid', 'empty', 'big', 'x']) {
      const st = fs.lstatSync(path.join(rootfs, 'sgid', f));
      assert.equal(st.mtimeMs, when.getTime(), f);
      assert.deepEqual([st.uid, st.gid], [0, 0], `${f}: context files are 0:0 even in a setgid dir`);
      assert.ok(fs.readFileSync(path.join(rootfs, 'sgid', f)).equals(fs.readFileSync(path.join(ctx, f === 'x' ? 'dir/x' : f))), f);
    }
    assert.equal(fs.statSync(path.join(rootfs, 'sgid/suid')).mode & 0o7777, 0o4755);
    const again = await executeCopy(rootfs, sr(), plan, { dest: '/sgid/' });
    assert.equal(again.removed, true, 'existing targets were replaced');
  });

  it('several sources merge into the same new directories (the later file wins)', async () => {
    fs.mkdirSync(path.join(ctx, 'other/sub'), { recursive: true });
    fs.writeFileSync(path.join(ctx, 'other/x'), 'other x');
    fs.writeFileSync(path.join(ctx, 'other/sub/y'), 'other y');
    fs.writeFileSync(path.join(ctx, 'x'), 'top x');
    await copy(['dir', 'other', 'x'], { dest: '/merged/' });
    assert.equal(read('merged/x'), 'top x');
    assert.equal(read('merged/sub/y'), 'other y');
    await copy(['dir', 'other'], { dest: '/fresh-merge' });
    assert.equal(read('fresh-merge/x'), 'other x');
  });

  it('with linkInto, files of a linkable source become hard links in the real dir; other sources are copied', async () => {
    const real = tempDir('copy-real');
    try {
      const linkable = { ...sr(), linkable: true };
      const plan = await planCopy(linkable, { sources: ['dir'] });
      await executeCopy(real, linkable, plan, { dest: '/l/', linkInto: { rootfs: real, real } });
      assert.equal(fs.statSync(path.join(real, 'l/x')).ino, fs.statSync(path.join(ctx, 'dir/x')).ino);
      assert.equal(fs.statSync(path.join(real, 'l/sub/y')).ino, fs.statSync(path.join(ctx, 'dir/sub/y')).ino);
      // --chmod changes what the copy is: no link
      await executeCopy(real, linkable, plan, { dest: '/c/', chmod: 0o600, linkInto: { rootfs: real, real } });
      assert.notEqual(fs.statSync(path.join(real, 'c/x')).ino, fs.statSync(path.join(ctx, 'dir/x')).ino);
      // a source that is not linkable (a local directory the user edits) is copied
      await executeCopy(real, sr(), await planCopy(sr(), { sources: ['dir'] }), { dest: '/n/', linkInto: { rootfs: real, real } });
      assert.notEqual(fs.statSync(path.join(real, 'n/x')).ino, fs.statSync(path.join(ctx, 'dir/x')).ino);
    } finally {
      removeDir(real);
    }
  });

  it('--parents keeps the source path; --exclude drops matches', async () => {
    await copy(['dir/sub/y', 'a.txt'], { dest: '/p/', parents: true });
    assert.equal(read('p/dir/sub/y'), 'y');
    assert.equal(read('p/a.txt'), 'A');
    await copy(['dir'], { dest: '/ex' }, { excludes: ['sub'] });
    assert.deepEqual(fs.readdirSync(path.join(rootfs, 'ex')), ['x']);
  });

  it('.dockerignore excludes context files (local directory contexts)', async () => {
    const s = { root: ctx, preserveOwnership: false, ignore: IgnoreMatcher.fromFile('*.txt\n!b.txt\ndir/sub\n') };
    await copy(['.'], { dest: '/ctx/' }, { src: s });
    assert.deepEqual(fs.readdirSync(path.join(rootfs, 'ctx')).sort(), ['b.txt', 'dir']);
    assert.deepEqual(fs.readdirSync(path.join(rootfs, 'ctx/dir')), ['x']);
    await assert.rejects(copy(['a.txt'], { dest: '/x' }, { src: s }), /excluded by .dockerignore/);
  });

  it('sources cannot leave the context through .. or symlinks; links are copied as links', async () => {
    fs.symlinkSync(outside, path.join(ctx, 'out-link'));
    fs.symlinkSync(path.join(outside, 'secret'), path.join(ctx, 'abs-secret'));
    await assert.rejects(copy(['../copy-outside/secret'], { dest: '/s' }), /not found/);
    await assert.rejects(copy(['out-link/secret'], { dest: '/s' }), /not found/);
    await copy(['.'], { dest: '/all/' });
    assert.equal(fs.readlinkSync(path.join(rootfs, 'all/out-link')), outside);
    assert.equal(fs.readlinkSync(path.join(rootfs, 'all/abs-secret')), path.join(outside, 'secret'));
  });

  it('destinations resolve inside the rootfs: a planted symlink cannot redirect the write', async () => {
    fs.symlinkSync(outside, path.join(rootfs, 'evil'));
    fs.symlinkSync(path.join(outside, 'secret'), path.join(rootfs, 'evil-file'));
    await copy(['a.txt'], { dest: '/evil/' });
    await copy(['a.txt'], { dest: '/evil-file' });
    assert.equal(fs.readFileSync(path.join(outside, 'secret'), 'utf8'), 'secret');
    assert.deepEqual(fs.readdirSync(outside), ['secret']);
    assert.equal(read(`${outside}/a.txt`), 'A', 'the absolute link target was resolved inside the rootfs');
    assert.equal(fs.lstatSync(path.join(rootfs, 'evil-file')).isFile(), true, 'the planted file link was replaced');
  });

  it('a destination with .. stays inside the rootfs; a file cannot be written as ..', async () => {
    await copy(['a.txt'], { dest: '/..' });
    assert.equal(read('a.txt'), 'A');
    await copy(['b.txt'], { dest: '/etc/..' });
    assert.equal(read('b.txt'), 'B');
    assert.deepEqual(fs.readdirSync(path.dirname(rootfs)).includes('a.txt'), false);
    const s = sr();
    const plan = await planCopy(s, { sources: [], inline: [{ name: '..', content: Buffer.from('x') }] });
    await assert.rejects(executeCopy(rootfs, s, plan, { dest: '/' }), /invalid file name/);
    assert.ok(fs.existsSync(rootfs), 'the rootfs is still there');
  });

  it('ADD extracts local tar archives (plain and gzip) with confinement; other files are copied', async () => {
    const pack = tar.pack();
    const chunks: Buffer[] = [];
    pack.on('data', (c) => { chunks.push(c as Buffer); });
    const done = new Promise<void>((r) => pack.on('end', () => r()));
    pack.entry({ name: 'pkg/f', mode: 0o640, uid: 7, gid: 8 }, 'F');
    pack.entry({ name: 'link', type: 'symlink', linkname: outside });
    pack.entry({ name: 'link/pwned' }, 'x');
    pack.finalize();
    await done;
    fs.writeFileSync(path.join(ctx, 'p.tar.gz'), zlib.gzipSync(Buffer.concat(chunks)));
    await copy(['p.tar.gz', 'a.txt'], { dest: '/x/' }, { add: true });
    assert.equal(read('x/pkg/f'), 'F');
    assert.deepEqual([fs.statSync(path.join(rootfs, 'x/pkg/f')).uid, fs.statSync(path.join(rootfs, 'x/pkg/f')).gid], [7, 8]);
    assert.equal(read('x/a.txt'), 'A');
    assert.deepEqual(fs.readdirSync(outside), ['secret']);
    await copy(['p.tar.gz'], { dest: '/z/', chown: { uid: 42, gid: 43 } }, { add: true });
    assert.deepEqual([fs.statSync(path.join(rootfs, 'z/pkg/f')).uid, fs.statSync(path.join(rootfs, 'z/pkg/f')).gid], [42, 43], '--chown applies to unpacked files');
    await copy(['p.tar.gz'], { dest: '/y/' });
    assert.equal(fs.statSync(path.join(rootfs, 'y/p.tar.gz')).isFile(), true, 'COPY never extracts');
  });

  it('ADD extracts bzip2, xz and zstd tars like BuildKit (compressed by the real tools); a compressed non-tar is copied as is', async () => {
    const pack = tar.pack();
    const chunks: Buffer[] = [];
    pack.on('data', (c) => { chunks.push(c as Buffer); });
    const done = new Promise<void>((r) => pack.on('end', () => r()));
    pack.entry({ name: 'pkg/big', mode: 0o644 }, Buffer.alloc(300_000, 'z'));
    pack.entry({ name: 'pkg/small', mode: 0o600 }, 'small');
    pack.finalize();
    await done;
    const tarFile = path.join(ctx, 'p.tar');
    fs.writeFileSync(tarFile, Buffer.concat(chunks));
    const tools = { bzip2: ['bzip2', '-c'], xz: ['xz', '-c'], zstd: ['zstd', '-q', '-c'] } as const;
    for (const [name, argv] of Object.entries(tools)) {
      fs.writeFileSync(path.join(ctx, `p.tar.${name}`), execFileSync(argv[0], [...argv.slice(1), tarFile]));
      fs.writeFileSync(path.join(ctx, `note.txt.${name}`), execFileSync(argv[0], argv.slice(1), { input: 'just text\n' }));
      await copy([`p.tar.${name}`, `note.txt.${name}`], { dest: `/${name}/` }, { add: true });
      assert.equal(read(`${name}/pkg/small`), 'small', name);
      assert.equal(fs.statSync(path.join(rootfs, name, 'pkg/big')).size, 300_000, name);
      assert.equal(fs.statSync(path.join(rootfs, name, 'pkg/small')).mode & 0o777, 0o600, name);
      assert.ok(fs.readFileSync(path.join(rootfs, name, `note.txt.${name}`)).equals(fs.readFileSync(path.join(ctx, `note.txt.${name}`))), `${name}: not a tar inside, copied`);
    }
    // a corrupt archive fails the step with the format named
    const bad = fs.readFileSync(path.join(ctx, 'p.tar.xz'));
    bad[bad.length - 40] ^= 0xff;
    fs.writeFileSync(path.join(ctx, 'bad.tar.xz'), bad);
    await assert.rejects(copy(['bad.tar.xz'], { dest: '/bad/' }, { add: true }), /xz data is corrupt/);
  });

  it('the content hash covers content, modes and names but not mtimes', async () => {
    const h1 = (await planCopy(sr(), { sources: ['dir', 'a.txt'] })).contentHash;
    fs.utimesSync(path.join(ctx, 'dir/x'), new Date(0), new Date(0));
    assert.equal((await planCopy(sr(), { sources: ['dir', 'a.txt'] })).contentHash, h1, 'mtime does not change the key');
    fs.writeFileSync(path.join(ctx, 'dir/x'), 'X');
    const h2 = (await planCopy(sr(), { sources: ['dir', 'a.txt'] })).contentHash;
    assert.notEqual(h2, h1, 'content changes the key');
    fs.chmodSync(path.join(ctx, 'dir/x'), 0o600);
    assert.notEqual((await planCopy(sr(), { sources: ['dir', 'a.txt'] })).contentHash, h2, 'mode changes the key');
    fs.writeFileSync(path.join(ctx, 'unrelated'), 'u');
    const h3 = (await planCopy(sr(), { sources: ['dir', 'a.txt'] })).contentHash;
    assert.equal((await planCopy(sr(), { sources: ['dir', 'a.txt'] })).contentHash, h3);
  });
});
