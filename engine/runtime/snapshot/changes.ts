// The filesystem changes of a snapshot relative to its layers (docker commit, docker diff), read
// from its directory alone, so the rootless file helper can compute them inside the user
// namespace with the same code (../fileHelper).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffDirs, diffOverlayUpper, type LayerEntry } from '../../image/layer';

/**
 * Paths every rootfs gets (Docker's init layer): the mount points, /.dockerenv and /etc/mtab; left
 * out of the changes when we made them.
 */
export const INIT_DIRS = ['proc', 'dev', 'sys'];
export const INIT_FILES = ['etc/hosts', 'etc/hostname', 'etc/resolv.conf', 'etc/mtab', '.dockerenv'];

/** A snapshot's `meta.json`. */
export interface SnapshotMeta {
  chain: string | null;
  mode: 'overlay' | 'copy';
}

export function readMeta(snapDir: string): SnapshotMeta {
  return JSON.parse(fs.readFileSync(path.join(snapDir, 'meta.json'), 'utf8')) as SnapshotMeta;
}

/** The changes of the snapshot in `snapDir`, as sorted layer entries for writeLayer. */
export async function snapshotChanges(snapDir: string): Promise<LayerEntry[]> {
  const meta = readMeta(snapDir);
  const inLower = async (rel: string) => !!meta.chain && fs.promises.lstat(path.join(meta.chain, rel)).then(() => true, () => false);
  const entries = meta.mode === 'overlay'
    ? await diffOverlayUpper(path.join(snapDir, 'upper'), inLower)
    : await diffDirs(meta.chain, path.join(snapDir, 'rootfs'));
  const ours = new Set<string>();
  for (const d of INIT_DIRS) if (!(await inLower(d))) ours.add(d);
  for (const f of INIT_FILES) if (!(await inLower(f))) ours.add(f);
  const kept = entries.filter((e) => !ours.has(relOf(e)));
  // The directories that hold our mount points (/etc for /etc/hosts) are in the upper dir only
  // because the files were made there: like dockerd, whose init layer has them below the
  // container's layer, such a directory is a change only when something else in it changed or
  // its own mode or owner did (`docker run busybox true` shows no `C /etc`).
  const parents = new Set<string>();
  for (const p of ours) for (let d = path.posix.dirname(p); d !== '.'; d = path.posix.dirname(d)) parents.add(d);
  const out: LayerEntry[] = [];
  for (const e of kept) {
    const rel = relOf(e);
    if (e.type === 'dir' && parents.has(rel) && !kept.some((o) => relOf(o).startsWith(`${rel}/`))) {
      const lower = meta.chain ? await fs.promises.lstat(path.join(meta.chain, rel)).catch(() => undefined) : undefined;
      if (!lower || (lower.isDirectory() && (lower.mode & 0o7777) === e.mode && lower.uid === e.uid && lower.gid === e.gid)) continue;
    }
    out.push(e);
  }
  return out;
}

const relOf = (e: LayerEntry) => e.name.replace(/\/+$/, '');
