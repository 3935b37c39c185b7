// The filesystem changes of a snapshot relative to its layers (docker commit, docker diff), read
// from its directory alone, so the rootless file helper can compute them inside the user
// namespace with the same code (../fileHelper).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffDirs, diffOverlayUpper, type LayerEntry } from '../../image/layer';

/** Paths every rootfs gets as mount points (Docker's init layer); left out of the changes when we made them. */
export const INIT_DIRS = ['proc', 'dev', 'sys'];
export const INIT_FILES = ['etc/hosts', 'etc/hostname', 'etc/resolv.conf'];

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
  return entries.filter((e) => !ours.has(e.name.replace(/\/+$/, '')));
}
