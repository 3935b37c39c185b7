// diffDirs/diffOverlayUpper → writeLayer → applyLayer round trips, digests and determinism.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import { Readable } from 'node:stream';
import { applyLayer, diffDirs, diffOverlayUpper, writeLayerToFile } from '../../../engine/image/layer';
import { removeDir, tempDir } from '../../harness/services';

interface Node { type: string; mode: number; uid: number; gid: number; size: number; link?: string; hash?: string; mtime?: number }

function snapshot(dir: string, withMtime = false): Record<string, Node> {
  const out: Record<string, Node> = {};
  const walk = (rel: string) => {
    for (const n of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${n}` : n;
      const p = path.join(dir, r);
      const st = fs.lstatSync(p);
      const type = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : 'other';
      out[r] = { type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: type === 'file' ? st.size : 0 };
      if (type === 'symlink') out[r].link = fs.readlinkSync(p);
      if (type === 'file') out[r].hash = createHash('sha256').update(fs.readFileSync(p)).digest('hex');
      if (withMtime && type !== 'dir') out[r].mtime = Math.floor(st.mtimeMs / 1000);
      if (type === 'dir') walk(r);
    }
  };
  walk('');
  return out;
}

async function tarNames(file: string): Promise<string[]> {
  const names: string[] = [];
  const ex = tar.extract();
  ex.on('entry', (h, s, next) => { names.push(h.name); s.resume(); next(); });
  await new Promise<void>((resolve, reject) => {
    ex.on('finish', () => resolve());
    ex.on('error', reject);
    Readable.from(zlib.gunzipSync(fs.readFileSync(file))).pipe(ex);
  });
  return names;
}

// These tests run as root (like CI): chown, overlay mounts and security.* xattrs need it.
describe('layer: diff + write + apply round trip', () => {
  let base: string;
  beforeEach(() => { base = tempDir('layer-rt'); });
  afterEach(() => removeDir(base));

  function makeTree(dir: string): void {
    fs.mkdirSync(path.join(dir, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
    fs.mkdirSync(path.join(dir, 'dir with space/ünïcødé'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'dir with space/ünïcødé/file name.txt'), 'hello unicode');
    fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(3 * 1024 * 1024 + 7, 0xab));
    fs.writeFileSync(path.join(dir, 'exec.sh'), '#!/bin/sh\n');
    fs.chmodSync(path.join(dir, 'exec.sh'), 0o4755);
    fs.symlinkSync('../etc/passwd', path.join(dir, 'dir with space/passwd-link'));
    fs.symlinkSync('/abs/target', path.join(dir, 'abs-link'));
    fs.linkSync(path.join(dir, 'etc/passwd'), path.join(dir, 'etc/passwd.hard'));
    const long = path.join(dir, `${'l'.repeat(90)}/${'m'.repeat(90)}`);
    fs.mkdirSync(long, { recursive: true });
    fs.writeFileSync(path.join(long, 'n'.repeat(120)), 'long');
    fs.mkdirSync(path.join(dir, 'owned'));
    fs.writeFileSync(path.join(dir, 'owned/f'), 'o');
    if (process.getuid!() === 0) fs.chownSync(path.join(dir, 'owned/f'), 1000, 1001);
  }

  it('a full tree survives diff(null) → tar+gzip → apply, with correct digests', async () => {
    const src = path.join(base, 'src');
    makeTree(src);
    const entries = await diffDirs(null, src);
    const hard = entries.find((e) => e.type === 'hardlink');
    assert.ok(hard && ['etc/passwd', 'etc/passwd.hard'].includes(hard.linkname!), 'second name of an inode is a hardlink');
    const out = await writeLayerToFile(entries, path.join(base, 'out'));
    const blob = fs.readFileSync(out.file);
    assert.equal(out.digest, `sha256:${createHash('sha256').update(blob).digest('hex')}`);
    assert.equal(out.size, blob.length);
    assert.equal(out.diffID, `sha256:${createHash('sha256').update(zlib.gunzipSync(blob)).digest('hex')}`);
    const dst = path.join(base, 'dst');
    fs.mkdirSync(dst);
    await applyLayer(fs.createReadStream(out.file), dst, { ownership: 'chown' });
    assert.deepEqual(snapshot(dst, true), snapshot(src, true));
    const names = await tarNames(out.file);
    const sortedWithinDirs = names.map((n) => n.replace(/\/$/, ''));
    assert.ok(sortedWithinDirs.indexOf('etc') < sortedWithinDirs.indexOf('etc/passwd'));
    assert.ok(names.includes(`${'l'.repeat(90)}/${'m'.repeat(90)}/${'n'.repeat(120)}`), 'long names go through PAX');
  });

  it('uncompressed: the blob is the tar of the gzip form, one digest is both; many small files and big ones batch correctly', async () => {
    const src = path.join(base, 'src');
    makeTree(src);
    // enough small files to fill several 1 MiB batches, and files straddling the batch size
    fs.mkdirSync(path.join(src, 'many'));
    for (let i = 0; i < 2500; i++) fs.writeFileSync(path.join(src, 'many', `f${i}`), `${i}`.repeat(1 + (i % 700)));
    fs.writeFileSync(path.join(src, 'exactly-1MiB'), Buffer.alloc(1 << 20, 1));
    fs.writeFileSync(path.join(src, 'just-over-1MiB'), Buffer.alloc((1 << 20) + 1, 2));
    const gz = await writeLayerToFile(await diffDirs(null, src), path.join(base, 'gz'));
    const plain = await writeLayerToFile(await diffDirs(null, src), path.join(base, 'plain'), { compression: 'none' });
    const tarBytes = fs.readFileSync(plain.file);
    assert.equal(plain.mediaType, 'application/vnd.oci.image.layer.v1.tar');
    assert.equal(plain.digest, plain.diffID);
    assert.equal(plain.digest, `sha256:${createHash('sha256').update(tarBytes).digest('hex')}`);
    assert.equal(plain.size, tarBytes.length);
    assert.ok(zlib.gunzipSync(fs.readFileSync(gz.file)).equals(tarBytes), 'the gzip layer inflates to the same tar');
    assert.equal(gz.diffID, plain.diffID);
    const dst = path.join(base, 'dst');
    fs.mkdirSync(dst);
    await applyLayer(fs.createReadStream(plain.file), dst, { ownership: 'chown' });
    assert.deepEqual(snapshot(dst, true), snapshot(src, true));
  });

  it('is deterministic and clamps mtimes with SOURCE_DATE_EPOCH', async () => {
    const src = path.join(base, 'src');
    makeTree(src);
    const one = await writeLayerToFile(await diffDirs(null, src), path.join(base, 'o1'), { sourceDateEpoch: 1000 });
    fs.utimesSync(path.join(src, 'big.bin'), new Date(), new Date());
    const two = await writeLayerToFile(await diffDirs(null, src), path.join(base, 'o2'), { sourceDateEpoch: 1000 });
    assert.equal(one.diffID, two.diffID);
    assert.equal(one.digest, two.digest);
    const dst = path.join(base, 'dst');
    fs.mkdirSync(dst);
    await applyLayer(fs.createReadStream(one.file), dst);
    assert.equal(fs.statSync(path.join(dst, 'big.bin')).mtimeMs, 1_000_000);
  });

  it('a lower→upper diff (delete, dir replaced by file, modify, chmod) applied onto lower gives upper', async () => {
    const lower = path.join(base, 'lower');
    makeTree(lower);
    fs.mkdirSync(path.join(lower, 'gone-dir/sub'), { recursive: true });
    fs.writeFileSync(path.join(lower, 'gone-dir/sub/x'), 'x');
    fs.mkdirSync(path.join(lower, 'becomes-file'));
    fs.writeFileSync(path.join(lower, 'becomes-file/inner'), 'i');
    const upper = path.join(base, 'upper');
    execFileSync('cp', ['-a', `${lower}/.`, upper]);
    fs.rmSync(path.join(upper, 'gone-dir'), { recursive: true });
    fs.rmSync(path.join(upper, 'becomes-file'), { recursive: true });
    fs.writeFileSync(path.join(upper, 'becomes-file'), 'now a file');
    fs.writeFileSync(path.join(upper, 'etc/passwd'), 'changed\n');
    fs.chmodSync(path.join(upper, 'exec.sh'), 0o700);
    fs.rmSync(path.join(upper, 'dir with space/ünïcødé/file name.txt'));
    const entries = await diffDirs(lower, upper);
    const names = entries.map((e) => e.name);
    assert.ok(names.includes('.wh.gone-dir'));
    assert.ok(names.includes('dir with space/ünïcødé/.wh.file name.txt'));
    assert.ok(!names.includes('big.bin'), 'unchanged files are not in the diff');
    const out = await writeLayerToFile(entries, path.join(base, 'out'));
    const applied = path.join(base, 'applied');
    execFileSync('cp', ['-a', `${lower}/.`, applied]);
    await applyLayer(fs.createReadStream(out.file), applied);
    assert.deepEqual(snapshot(applied), snapshot(upper));
  });

  it('an overlay upper dir becomes whiteouts and opaque markers (needs root for the overlay mount)', async () => {
    const lower = path.join(base, 'lower');
    const upper = path.join(base, 'upper');
    const work = path.join(base, 'work');
    const merged = path.join(base, 'merged');
    for (const d of [lower, upper, work, merged]) fs.mkdirSync(d);
    fs.writeFileSync(path.join(lower, 'del'), 'd');
    fs.mkdirSync(path.join(lower, 'opq'));
    fs.writeFileSync(path.join(lower, 'opq/old'), 'o');
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged]);
    try {
      fs.rmSync(path.join(merged, 'del'));
      fs.rmSync(path.join(merged, 'opq'), { recursive: true });
      fs.mkdirSync(path.join(merged, 'opq'));
      fs.writeFileSync(path.join(merged, 'opq/new'), 'n');
    } finally {
      execFileSync('umount', [merged]);
    }
    const entries = await diffOverlayUpper(upper);
    const names = entries.map((e) => e.name);
    assert.ok(names.includes('.wh.del'));
    assert.ok(names.indexOf('opq/.wh..wh..opq') > names.indexOf('opq') && names.indexOf('opq/.wh..wh..opq') < names.indexOf('opq/new'));
    const out = await writeLayerToFile(entries, path.join(base, 'out'));
    const applied = path.join(base, 'applied');
    execFileSync('cp', ['-a', `${lower}/.`, applied]);
    await applyLayer(fs.createReadStream(out.file), applied);
    assert.ok(!fs.existsSync(path.join(applied, 'del')));
    assert.deepEqual(fs.readdirSync(path.join(applied, 'opq')), ['new']);
  });

  it('preserves security.capability', async () => {
    const src = path.join(base, 'src');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'ping'), 'x');
    // VFS_CAP_REVISION_2, effective, permitted = cap_net_bind_service
    execFileSync('/usr/bin/setfattr', ['-n', 'security.capability', '-v', '0x0100000200040000000000000000000000000000', path.join(src, 'ping')]);
    const entries = await diffDirs(null, src);
    assert.ok(entries[0].xattrs?.['security.capability']);
    const out = await writeLayerToFile(entries, path.join(base, 'out'));
    const dst = path.join(base, 'dst');
    fs.mkdirSync(dst);
    await applyLayer(fs.createReadStream(out.file), dst, { xattrs: true });
    const got = execFileSync('/usr/bin/getfattr', ['-n', 'security.capability', '-e', 'hex', '--absolute-names', path.join(dst, 'ping')], { encoding: 'utf8' });
    assert.match(got, /security\.capability=0x0100000200040000000000000000000000000000/);
  });
});
