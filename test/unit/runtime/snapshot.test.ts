// Snapshotter with real overlayfs (root) and the copying fallback, on the busybox layer.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { Snapshotter, type LayerSource, type SnapshotMode } from '../../../engine/runtime/snapshot';
import { chainIds } from '../../../engine/runtime/snapshot/chainId';
import { busyboxRootfsTar } from '../../harness/images';
import { removeDir, tempDir } from '../../harness/services';

function layerOf(buf: Buffer): LayerSource {
  return { diffID: `sha256:${createHash('sha256').update(buf).digest('hex')}`, open: async () => Readable.from([buf]) };
}

async function tarOf(entries: { name: string; body?: string; type?: 'file' | 'directory' }[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  for (const e of entries) pack.entry({ name: e.name, type: e.type ?? 'file', mode: e.type === 'directory' ? 0o755 : 0o644, mtime: new Date(0) }, e.body ?? '');
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

describe('chainIds', () => {
  it('follows the OCI definition', () => {
    const a = `sha256:${'a'.repeat(64)}`;
    const b = `sha256:${'b'.repeat(64)}`;
    const ids = chainIds([a, b]);
    assert.equal(ids[0], a);
    assert.equal(ids[1], `sha256:${createHash('sha256').update(`${a} ${b}`).digest('hex')}`);
    assert.throws(() => chainIds(['sha256:../x']), /invalid diffID/);
  });
});

for (const mode of ['overlay', 'copy'] as SnapshotMode[]) {
  describe(`Snapshotter (${mode})`, () => {
    let dir: string;
    let snaps: Snapshotter;
    let base: LayerSource;
    let top: LayerSource;
    before(async () => {
      dir = tempDir('snap');
      snaps = new Snapshotter(path.join(dir, 'snapshots'), mode);
      base = layerOf(await busyboxRootfsTar());
      top = layerOf(await tarOf([{ name: 'etc/motd', body: 'hello' }, { name: 'etc/.wh.group' }, { name: 'data/', type: 'directory' }, { name: 'data/keep', body: 'k' }]));
    });
    after(async () => {
      for (const k of snaps.list()) await snaps.remove(k);
      removeDir(dir);
    });

    it('uses the requested mode', async () => assert.equal(await snaps.mode(), mode));

    it('stacks layers (whiteouts applied) into a rootfs', async () => {
      const rootfs = await snaps.prepare('c1', [base, top]);
      assert.equal(fs.readFileSync(path.join(rootfs, 'etc/motd'), 'utf8'), 'hello');
      assert.ok(!fs.existsSync(path.join(rootfs, 'etc/group')));
      assert.ok(fs.existsSync(path.join(rootfs, 'etc/passwd')));
      assert.ok(fs.statSync(path.join(rootfs, 'bin/busybox')).isFile());
      assert.ok(fs.statSync(path.join(rootfs, 'proc')).isDirectory(), 'init mount point');
      if (mode === 'overlay') assert.match(execFileSync('findmnt', ['-n', '-o', 'FSTYPE', rootfs], { encoding: 'utf8' }), /overlay/);
    });

    it('reports changes as layer entries and never touches the layers', async () => {
      const rootfs = snaps.rootfs('c1');
      fs.writeFileSync(path.join(rootfs, 'new.txt'), 'x');
      fs.rmSync(path.join(rootfs, 'etc/passwd'));
      fs.rmSync(path.join(rootfs, 'data'), { recursive: true });
      const names = (await snaps.changes('c1')).map((e) => e.name.replace(/\/$/, ''));
      assert.ok(names.includes('new.txt'), names.join(','));
      assert.ok(names.includes('etc/.wh.passwd'), names.join(','));
      assert.ok(names.includes('.wh.data'), names.join(','));
      assert.ok(!names.includes('proc'), 'init paths are not changes');
      assert.ok(!names.some((n) => n.startsWith('bin/')), 'unchanged files are not changes');
      const other = await snaps.prepare('c2', [base, top]);
      assert.ok(fs.existsSync(path.join(other, 'etc/passwd')), 'a second snapshot of the same layers is pristine');
      assert.ok(!fs.existsSync(path.join(other, 'new.txt')));
      assert.equal(fs.readdirSync(path.join(dir, 'snapshots/chains')).length, 2, 'each chain unpacked once');
    });

    it('removes a snapshot', async () => {
      await snaps.remove('c2');
      assert.ok(!snaps.exists('c2'));
      assert.ok(!snaps.list().includes('c2'));
      assert.ok(snaps.exists('c1'));
    });

    it('refuses keys that are not plain names', async () => {
      await assert.rejects(snaps.prepare('../x', [base]), /invalid snapshot key/);
    });
  });
}
