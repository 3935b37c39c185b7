/**
 * Layer diffs: the changes between two directory trees (walking differ, used with copying
 * snapshots) or the contents of an overlayfs upper dir (native differ). Both produce the sorted
 * entry list `writeLayer` turns into a tar. Rules (moby/containerd, docs notes §8.1):
 * - deletions become `.wh.<name>` whiteouts, emitted before their siblings; an overlay opaque dir
 *   gets a `.wh..wh..opq` marker first; overlay whiteout char devices (0/0) become `.wh.` entries;
 * - a non-directory changed when type, mode, uid, gid, rdev, size, mtime (exact, or same second
 *   with one side at 0 ns), link target or `security.capability` differ; directory size and mtime
 *   are ignored (a dir is emitted when its mode/owner changed or it is new);
 * - entries are sorted by name within each directory (depth first); the 2nd and later names of an
 *   inode become hardlinks to the first one in the layer.
 */
import * as fs from 'node:fs';
import { CAPABILITY, OVERLAY_OPAQUE, readTreeXattrs } from './xattrs';
import type { EntryType, TarHeader } from './tarHeader';

/** One tar entry of a layer; `source` is the host file whose bytes are the content. */
export interface LayerEntry extends TarHeader {
  source?: string;
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';

function typeOf(st: fs.BigIntStats): EntryType {
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return 'file';
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// Synchronous calls: a diff is thousands of readdir/lstat calls of a few microseconds each, and
// awaiting each one through the thread pool costs more than the call itself.
function readdirSorted(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort(byName);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
}

function lstatBig(p: string): fs.BigIntStats | null {
  try {
    return fs.lstatSync(p, { bigint: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
}

const join = (rel: string, name: string) => (rel ? `${rel}/${name}` : name);

class EntryBuilder {
  readonly entries: LayerEntry[] = [];
  private inodes = new Map<string, string>();
  constructor(private caps: Map<string, Record<string, Buffer>>) {}

  add(hostPath: string, rel: string, st: fs.BigIntStats): void {
    const type = typeOf(st);
    const e: LayerEntry = {
      name: rel, type, mode: Number(st.mode) & 0o7777, uid: Number(st.uid), gid: Number(st.gid), size: 0,
      mtime: Number(st.mtimeNs / 1_000_000_000n),
    };
    if (type === 'symlink') e.linkname = fs.readlinkSync(hostPath);
    if (type === 'char' || type === 'block') {
      const rdev = Number(st.rdev);
      e.devmajor = (rdev >>> 8) & 0xfff;
      e.devminor = (rdev & 0xff) | ((rdev >>> 12) & 0xfff00);
    }
    if (type === 'file') {
      const key = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1n ? this.inodes.get(key) : undefined;
      if (first !== undefined) {
        e.type = 'hardlink';
        e.linkname = first;
      } else {
        if (st.nlink > 1n) this.inodes.set(key, rel);
        e.size = Number(st.size);
        e.source = hostPath;
        const cap = this.caps.get(rel)?.[CAPABILITY];
        if (cap) e.xattrs = { [CAPABILITY]: cap };
      }
    }
    this.entries.push(e);
  }

  whiteout(rel: string, name: string, mtime: number): void {
    this.entries.push({ name: join(rel, WHITEOUT_PREFIX + name), type: 'file', mode: 0o600, uid: 0, gid: 0, size: 0, mtime });
  }

  opaque(rel: string, mtime: number): void {
    this.entries.push({ name: join(rel, OPAQUE), type: 'file', mode: 0o600, uid: 0, gid: 0, size: 0, mtime });
  }

  /** Adds `rel` and, for a directory, everything below it. */
  addTree(hostPath: string, rel: string, st: fs.BigIntStats): void {
    this.add(hostPath, rel, st);
    if (!st.isDirectory()) return;
    for (const n of readdirSorted(hostPath)) {
      const cst = lstatBig(`${hostPath}/${n}`);
      if (cst) this.addTree(`${hostPath}/${n}`, join(rel, n), cst);
    }
  }
}

function sameMtime(a: fs.BigIntStats, b: fs.BigIntStats): boolean {
  if (a.mtimeNs === b.mtimeNs) return true;
  const sa = a.mtimeNs / 1_000_000_000n;
  const sb = b.mtimeNs / 1_000_000_000n;
  return sa === sb && (a.mtimeNs % 1_000_000_000n === 0n || b.mtimeNs % 1_000_000_000n === 0n);
}

function capsEqual(a?: Buffer, b?: Buffer): boolean {
  return (!a && !b) || (!!a && !!b && a.equals(b));
}

/** The changes that turn `lower` (null = empty) into `upper`, as sorted layer entries. */
export async function diffDirs(lower: string | null, upper: string): Promise<LayerEntry[]> {
  const upperCaps = await readTreeXattrs(upper, [CAPABILITY]);
  const lowerCaps = lower && upperCaps.size ? await readTreeXattrs(lower, [CAPABILITY]) : new Map<string, Record<string, Buffer>>();
  const b = new EntryBuilder(upperCaps);

  function walk(rel: string, upperDir: string, lowerDir: string | null, dirMtime: number): void {
    const upperNames = readdirSorted(upperDir);
    const lowerNames = lowerDir ? readdirSorted(lowerDir) : [];
    const inUpper = new Set(upperNames);
    for (const n of lowerNames) if (!inUpper.has(n)) b.whiteout(rel, n, dirMtime);
    for (const n of upperNames) {
      const u = `${upperDir}/${n}`;
      const childRel = join(rel, n);
      const ust = lstatBig(u)!;
      const lst = lowerDir ? lstatBig(`${lowerDir}/${n}`) : null;
      if (!lst || typeOf(lst) !== typeOf(ust)) {
        b.addTree(u, childRel, ust);
        continue;
      }
      const metaChanged = ust.mode !== lst.mode || ust.uid !== lst.uid || ust.gid !== lst.gid;
      if (ust.isDirectory()) {
        if (metaChanged) b.add(u, childRel, ust);
        walk(childRel, u, `${lowerDir}/${n}`, Number(ust.mtimeNs / 1_000_000_000n));
        continue;
      }
      let changed = metaChanged || ust.rdev !== lst.rdev || ust.size !== lst.size || !sameMtime(ust, lst)
        || !capsEqual(upperCaps.get(childRel)?.[CAPABILITY], lowerCaps.get(childRel)?.[CAPABILITY]);
      if (!changed && ust.isSymbolicLink()) changed = fs.readlinkSync(u) !== fs.readlinkSync(`${lowerDir}/${n}`);
      if (changed) b.add(u, childRel, ust);
    }
  }

  const rootSt = fs.lstatSync(upper, { bigint: true });
  walk('', upper, lower, Number(rootSt.mtimeNs / 1_000_000_000n));
  return b.entries;
}

/**
 * The entries of an overlayfs upper dir (native diff). `lowerHas(rel)` tells whether a path exists
 * in the lower layers; whiteouts of paths that do not exist there are dropped.
 */
export async function diffOverlayUpper(upper: string, lowerHas?: (rel: string) => Promise<boolean>, opts: { xattrs?: boolean } = {}): Promise<LayerEntry[]> {
  // `xattrs: false` when the caller knows nothing in the upper can carry them (no file was removed
  // or replaced, so no opaque dir; nothing copied with xattrs): saves the getfattr process
  const xattrs = opts.xattrs === false ? new Map<string, Record<string, Buffer>>() : await readTreeXattrs(upper, [CAPABILITY, ...OVERLAY_OPAQUE]);
  const b = new EntryBuilder(xattrs);
  const isOpaque = (rel: string) => OVERLAY_OPAQUE.some((k) => xattrs.get(rel)?.[k]?.toString() === 'y');

  async function walk(rel: string, dir: string, mtime: number): Promise<void> {
    if (isOpaque(rel)) b.opaque(rel, mtime);
    const names = readdirSorted(dir);
    const whiteouts: string[] = [];
    const others: { n: string; st: fs.BigIntStats }[] = [];
    for (const n of names) {
      const st = lstatBig(`${dir}/${n}`)!;
      if (st.isCharacterDevice() && st.rdev === 0n) whiteouts.push(n);
      else others.push({ n, st });
    }
    for (const n of whiteouts) if (!lowerHas || await lowerHas(join(rel, n))) b.whiteout(rel, n, mtime);
    for (const { n, st } of others) {
      b.add(`${dir}/${n}`, join(rel, n), st);
      if (st.isDirectory()) await walk(join(rel, n), `${dir}/${n}`, Number(st.mtimeNs / 1_000_000_000n));
    }
  }
  const rootSt = await fs.promises.lstat(upper, { bigint: true });
  await walk('', upper, Number(rootSt.mtimeNs / 1_000_000_000n));
  return b.entries;
}
