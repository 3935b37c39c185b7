/**
 * COPY / ADD with BuildKit's semantics, in two phases:
 * 1. `planCopy` resolves the sources inside their root (the context, or a stage/image rootfs),
 *    expands wildcards per path component, applies `.dockerignore` and `--exclude`, and hashes
 *    everything that will be copied (path, type, mode, size, link target, owner when preserved,
 *    content; never mtimes) — the content part of the cache key.
 * 2. `executeCopy` writes the plan into a rootfs. Destinations are resolved inside the rootfs with
 *    chroot semantics; what exists at a target is unlinked before writing (never written through);
 *    directories copy their contents; a file goes into `dest/` when dest ends with `/`, when there
 *    are several sources, or when dest is an existing directory; parent directories are created
 *    0755 and, like BuildKit, owned by the `--chown` user; `--chmod` applies to what is copied.
 *    Symlinks are copied as links; hardlinks inside one source stay hardlinks.
 * ADD extracts local tar archives (plain, gzip, bzip2, xz or zstd, as BuildKit) with applyLayer's
 * confinement; ADD of an http(s) URL downloads to a 0600 file named after the URL path, verified
 * with `--checksum`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyLayer, decompressor, detectCompression, resolveInRoot, writeLayerTarFile, type Compression, type LayerEntry } from '../image/layer';
import type { KnownDigest } from './context';
import { IgnoreMatcher } from './dockerignore';
import { isRoot, setOwner } from './owner';

export interface CopySourceRoot {
  root: string;
  ignore?: IgnoreMatcher;
  /** COPY --from keeps the source owners; context files become 0:0. */
  preserveOwnership: boolean;
  /** Content digests known without reading (a tar context hashed while it streamed in). */
  digests?: Map<string, KnownDigest>;
  /**
   * The source files themselves may become the copies (hard links: one system call, no new
   * inode) when the copy would have their owner, mode and times anyway. Only for sources nobody
   * writes in place: a tar context (its mirror replaces changed files by new ones).
   */
  linkable?: boolean;
  /**
   * COPY --from a stage: the kept layer dirs of the stage's stack (newest first; immutable). A
   * source file the view shows from one of them (same inode) is linked from there.
   */
  linkFrom?: string[];
}

interface PlannedPath {
  /** Host path of the source (inside the source root). */
  host: string;
  /** Path relative to the source root (for messages, --parents and hashing). */
  rel: string;
  stat: fs.Stats;
}

type PlanItem =
  | { kind: 'path'; src: PlannedPath }
  | { kind: 'archive'; src: PlannedPath }
  | { kind: 'inline'; name: string; content: Buffer; mode: number }
  | { kind: 'url'; url: string; name: string; content: Buffer };

export interface CopyPlan {
  items: PlanItem[];
  /** sha256 over everything the copy reads. */
  contentHash: string;
  /** dest must be a directory (several sources or a wildcard). */
  multiple: boolean;
}

export interface CopyOptions {
  /** Absolute destination (after WORKDIR), trailing slash kept. */
  dest: string;
  chown?: { uid: number; gid: number };
  chmod?: number;
  /** `--parents`: keep the source path below the context root (or below a `/./` pivot). */
  parents?: boolean;
  excludes?: string[];
  /**
   * Where the rootfs's new entries really are, for hard links (which cannot cross into an overlay
   * mount): `real` is the directory behind `rootfs` (the overlay's upper dir, or the rootfs itself).
   * Links go there only into directories this copy created (nothing else writes or looks up those
   * names through the overlay, so its view never disagrees). Without it, everything is copied.
   */
  linkInto?: { rootfs: string; real: string };
}

const GLOB = /[*?[]/;

/** Go's filepath.Match for one component (`*`, `?`, `[...]`, `\` escapes). */
function componentMatcher(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new Error(`syntax error in pattern: ${pattern}`);
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^')) cls = `!${cls.slice(1)}`;
      re += `[${cls.startsWith('!') ? `^${cls.slice(1)}` : cls}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else re += c.replace(/[.+(){}|^$\]]/g, '\\$&');
  }
  return new RegExp(`${re}$`, 's');
}

const fileHashes = new Map<string, string>();
const memoKey = (st: fs.Stats) => `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;

/** The content digest of a file hashed earlier and unchanged since (same inode, size, mtime, ctime). */
export function knownDigest(st: fs.Stats): string | undefined {
  return fileHashes.get(memoKey(st));
}

/** sha256 of a file's content, memoised by (dev, ino, size, mtime, ctime). */
async function fileDigest(host: string, st: fs.Stats): Promise<string> {
  const key = memoKey(st);
  const hit = fileHashes.get(key);
  if (hit) return hit;
  const h = createHash('sha256');
  for await (const chunk of fs.createReadStream(host)) h.update(chunk as Buffer);
  const d = h.digest('hex');
  if (fileHashes.size > 200_000) fileHashes.clear();
  fileHashes.set(key, d);
  return d;
}

function typeChar(st: fs.Stats): string {
  return st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : st.isFile() ? 'f' : 'o';
}

async function hashTree(h: ReturnType<typeof createHash>, src: PlannedPath, sr: CopySourceRoot, excludes?: IgnoreMatcher, relBelow = ''): Promise<void> {
  const st = src.stat;
  const owner = sr.preserveOwnership ? `${st.uid}:${st.gid}` : '';
  h.update(`${relBelow}\0${typeChar(st)}\0${st.mode & 0o7777}\0${owner}\0`);
  if (st.isSymbolicLink()) h.update(`${await fs.promises.readlink(src.host)}\0`);
  else if (st.isFile()) {
    const k = sr.digests?.get(src.host);
    const streamed = k && k.ino === st.ino && k.size === st.size && k.mtimeMs === st.mtimeMs ? k.digest : undefined;
    h.update(`${st.size}\0${streamed ?? await fileDigest(src.host, st)}\0`);
  }
  else if (st.isDirectory()) {
    for (const child of listDir(src, sr, excludes, relBelow)) await hashTree(h, child.src, sr, excludes, child.relBelow);
  }
}

function listDir(dir: PlannedPath, sr: CopySourceRoot, excludes: IgnoreMatcher | undefined, relBelow: string): { src: PlannedPath; relBelow: string }[] {
  const names = fs.readdirSync(dir.host).sort();
  const out: { src: PlannedPath; relBelow: string }[] = [];
  for (const n of names) {
    const rel = dir.rel ? `${dir.rel}/${n}` : n;
    const below = relBelow ? `${relBelow}/${n}` : n;
    const host = `${dir.host}/${n}`;
    const stat = fs.lstatSync(host);
    if (sr.ignore?.matches(rel) && !(stat.isDirectory() && sr.ignore.mayContainExceptions(rel))) continue;
    if (excludes?.matches(below)) continue;
    out.push({ src: { host, rel, stat }, relBelow: below });
  }
  return out;
}

/** Expands one source pattern inside the source root. */
async function expandSource(sr: CopySourceRoot, pattern: string): Promise<PlannedPath[]> {
  // `..` above the context root stays at the root (BuildKit cleans sources as `/`-rooted paths).
  const rel = path.posix.normalize(`/${pattern}`).replace(/^\/+|\/+$/g, '');
  if (!GLOB.test(rel)) {
    const r = await resolveInRoot(sr.root, rel, { followFinal: true });
    const stat = await fs.promises.lstat(r.hostPath).catch(() => undefined);
    if (!stat || (rel !== '' && sr.ignore?.matches(rel) && !stat.isDirectory())) {
      throw new Error(`COPY failed: file not found in build context or excluded by .dockerignore: stat ${pattern.replace(/^\/+/, '')}: file does not exist`);
    }
    return [{ host: r.hostPath, rel, stat }];
  }
  let current: { host: string; rel: string }[] = [{ host: sr.root, rel: '' }];
  for (const comp of rel.split('/')) {
    const next: { host: string; rel: string }[] = [];
    for (const c of current) {
      if (!GLOB.test(comp)) {
        const r = await resolveInRoot(sr.root, c.rel ? `${c.rel}/${comp}` : comp, { followFinal: true });
        if (fs.existsSync(r.hostPath)) next.push({ host: r.hostPath, rel: c.rel ? `${c.rel}/${comp}` : comp });
        continue;
      }
      const st = await fs.promises.stat(c.host).catch(() => undefined);
      if (!st?.isDirectory()) continue;
      const re = componentMatcher(comp);
      for (const n of (await fs.promises.readdir(c.host)).sort()) {
        if (!re.test(n)) continue;
        const childRel = c.rel ? `${c.rel}/${n}` : n;
        const r = await resolveInRoot(sr.root, childRel, { followFinal: true });
        next.push({ host: r.hostPath, rel: childRel });
      }
    }
    current = next;
  }
  const out: PlannedPath[] = [];
  for (const c of current) {
    if (sr.ignore?.matches(c.rel)) continue;
    out.push({ ...c, stat: await fs.promises.lstat(c.host) });
  }
  if (out.length === 0) throw new Error(`COPY failed: no source files were specified`);
  return out;
}

/** What ADD extracts: like BuildKit, tars compressed any way moby's DecompressStream knows. */
const ARCHIVE_COMPRESSIONS: readonly Compression[] = ['gzip', 'bzip2', 'xz', 'zstd'];

/**
 * BuildKit's isArchivePath: the file, decompressed when it starts with a known compression's magic,
 * begins with a valid tar header (checksum right, not the all-zero end block). A compressed file
 * that is not a tar (`notes.txt.gz`) is copied as it is.
 */
async function isArchive(host: string): Promise<boolean> {
  const fh = await fs.promises.open(host, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  let head: Buffer;
  try {
    const b = Buffer.alloc(512);
    const { bytesRead } = await fh.read(b, 0, 512, 0);
    head = b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const format = detectCompression(head);
  if (format) head = await decompressedHead(host, format, 512);
  return isTarHeader(head);
}

/** The first `n` bytes of `host` decompressed (fewer if it is shorter or corrupt). */
async function decompressedHead(host: string, format: Compression, n: number): Promise<Buffer> {
  const src = fs.createReadStream(host);
  const d = decompressor(format);
  const out: Buffer[] = [];
  let got = 0;
  try {
    await new Promise<void>((resolve) => {
      d.on('data', (c: Buffer) => {
        out.push(c);
        got += c.length;
        if (got >= n) resolve();
      });
      d.on('end', () => resolve());
      d.on('error', () => resolve());
      src.on('error', () => resolve());
      src.pipe(d);
    });
  } finally {
    src.destroy();
    d.destroy();
  }
  return Buffer.concat(out).subarray(0, n);
}

function isTarHeader(b: Buffer): boolean {
  if (b.length < 512 || b.every((x) => x === 0)) return false;
  const stored = parseInt(b.toString('latin1', 148, 156).replace(/\0.*$/s, '').trim(), 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const v = i >= 148 && i < 156 ? 32 : b[i];
    unsigned += v;
    signed += v > 127 ? v - 256 : v;
  }
  // Go's archive/tar accepts either sum (old tars used signed chars)
  return stored === unsigned || stored === signed;
}

export interface PlanRequest {
  sources: string[];
  inline?: { name: string; content: Buffer }[];
  add?: boolean;
  excludes?: string[];
  fetchUrl?: (url: string) => Promise<{ name: string; content: Buffer }>;
  /** false: no content hash (the cache key identifies the source otherwise, e.g. `--from` layers). */
  hash?: boolean;
}

export async function planCopy(sr: CopySourceRoot, req: PlanRequest): Promise<CopyPlan> {
  const items: PlanItem[] = [];
  const excludes = req.excludes?.length ? IgnoreMatcher.fromPatterns(req.excludes) : undefined;
  let wildcard = false;
  for (const s of req.sources) {
    if (req.add && /^https?:\/\//i.test(s)) {
      if (!req.fetchUrl) throw new Error(`ADD ${s}: remote URLs are not available here`);
      const got = await req.fetchUrl(s);
      items.push({ kind: 'url', url: s, name: got.name, content: got.content });
      continue;
    }
    if (GLOB.test(s)) wildcard = true;
    for (const p of await expandSource(sr, s)) {
      if (excludes?.matches(p.rel)) continue;
      items.push({ kind: req.add && p.stat.isFile() && await isArchive(p.host) ? 'archive' : 'path', src: p });
    }
  }
  for (const i of req.inline ?? []) items.push({ kind: 'inline', name: i.name, content: i.content, mode: 0o644 });
  const multiple = items.length > 1 || wildcard;
  if (req.hash === false) return { items, contentHash: '', multiple };
  const h = createHash('sha256');
  for (const it of items) {
    h.update(`${it.kind}\0`);
    if (it.kind === 'inline' || it.kind === 'url') h.update(`${it.name}\0${createHash('sha256').update(it.content).digest('hex')}\0`);
    else {
      h.update(`${it.src.rel}\0`);
      await hashTree(h, it.src, sr, excludes);
    }
  }
  return { items, contentHash: `sha256:${h.digest('hex')}`, multiple };
}

interface Writer {
  rootfs: string;
  sr: CopySourceRoot;
  opts: CopyOptions;
  excludes?: IgnoreMatcher;
  inodes: Map<string, string>;
  /** Host dirs this copy created: nothing is in them but what it wrote, so no target needs a look first. */
  fresh: Set<string>;
  /** Host dir → whether new entries in it inherit its group (setgid), so their gid must be set. */
  setgid: Map<string, boolean>;
  /** Whether anything that existed was removed (only then can overlay have made whiteouts or opaque dirs). */
  removed: boolean;
  /** Whether a file was linked from a layer dir (it keeps its xattrs, which the layer must then carry). */
  linkedFromLayers: boolean;
  /** Lets the event loop run after a few ms of synchronous copying (see YIELD_MS). */
  yieldSometimes(): Promise<void> | undefined;
}

/**
 * A tree is copied with synchronous calls (thousands of small files), but not in one piece: other
 * stages of the build run on the same thread, and a RUN waiting to be started there (or a mount
 * that finished) would wait for the whole copy. After this many ms the copy lets them in.
 */
const YIELD_MS = 4;

function yielder(): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    const now = performance.now();
    if (now - since < YIELD_MS) return undefined;
    return new Promise<void>((resolve) => setImmediate(() => {
      since = performance.now();
      resolve();
    }));
  };
}

async function lstatOrNull(p: string): Promise<fs.Stats | null> {
  return fs.promises.lstat(p).catch(() => null);
}

/** mkdir -p inside the rootfs (chroot semantics); new dirs 0755 owned by `owner`. */
async function mkdirAll(rootfs: string, abs: string, owner: { uid: number; gid: number }, w?: Writer): Promise<string> {
  const r = await resolveInRoot(rootfs, abs, { followFinal: true });
  let cur = path.resolve(rootfs);
  for (const c of r.rel.split('/').filter(Boolean)) {
    cur = `${cur}/${c}`;
    const st = await lstatOrNull(cur);
    if (st?.isDirectory()) continue;
    if (st) {
      await fs.promises.rm(cur, { recursive: true, force: true });
      if (w) w.removed = true;
    }
    await fs.promises.mkdir(cur, { mode: 0o755 });
    await fs.promises.chmod(cur, 0o755);
    setOwner(cur, owner.uid, owner.gid);
  }
  return r.hostPath;
}

function ownerOf(w: Writer, st: fs.Stats): { uid: number; gid: number } {
  if (w.opts.chown) return w.opts.chown;
  return w.sr.preserveOwnership ? { uid: st.uid, gid: st.gid } : { uid: 0, gid: 0 };
}

const EUID = process.geteuid?.() ?? 0;
const EGID = process.getegid?.() ?? 0;

/** Whether a new entry in `dir` needs a chown to get `owner` (it is created as ours, or with the dir's group when setgid). */
function needsChown(w: Writer, dir: string, owner: { uid: number; gid: number }): boolean {
  if (owner.uid !== EUID || owner.gid !== EGID) return true;
  let sg = w.setgid.get(dir);
  if (sg === undefined) {
    sg = w.fresh.has(dir) ? false : (fs.statSync(dir).mode & 0o2000) !== 0;
    w.setgid.set(dir, sg);
  }
  return sg;
}

/** Small files are copied through this buffer: one read and one write instead of the copyfile dance. */
const COPY_BUFFER = Buffer.allocUnsafe(1 << 20);
const CREATE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;

/**
 * A regular file's content, owner, mode and times, with as few system calls as possible (thousands
 * of small files per COPY): the source is opened without following links, the target created
 * exclusively, and the attributes set through its descriptor.
 */
const UMASK = process.umask();

/** The file the copy of `src` may be a hard link to, if any (see CopySourceRoot.linkable/linkFrom). */
function linkSource(w: Writer, src: string, st: fs.Stats, owner: { uid: number; gid: number }, mode: number): { path: string; layer: boolean } | undefined {
  if (w.opts.chmod !== undefined || mode !== (st.mode & 0o7777)) return undefined;
  if (isRoot && (owner.uid !== st.uid || owner.gid !== st.gid)) return undefined;
  if (w.sr.linkable) return { path: src, layer: false };
  if (!w.sr.linkFrom?.length) return undefined;
  const rel = path.relative(w.sr.root, src);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  for (const dir of w.sr.linkFrom) {
    const candidate = `${dir}/${rel}`;
    const cst = lstatSyncOrNull(candidate);
    if (!cst) continue;
    // the view shows the real inode of a lower file: the same inode is the same file
    const same = cst.isFile() && cst.ino === st.ino && cst.size === st.size && cst.mtimeMs === st.mtimeMs;
    return same ? { path: candidate, layer: true } : undefined;
  }
  return undefined;
}

function copyRegular(w: Writer, src: string, target: string, st: fs.Stats, owner: { uid: number; gid: number }, mode: number): void {
  const into = w.opts.linkInto;
  const link = into && w.fresh.has(path.dirname(target)) && target.startsWith(`${into.rootfs}/`) ? linkSource(w, src, st, owner, mode) : undefined;
  if (link) {
    try {
      fs.linkSync(link.path, into!.real + target.slice(into!.rootfs.length));
      if (link.layer) w.linkedFromLayers = true;
      return;
    } catch (e) {
      // another filesystem, too many links, not permitted (protected_hardlinks): copy instead
      if (!['EXDEV', 'EMLINK', 'EPERM'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    }
  }
  const chown = isRoot && needsChown(w, path.dirname(target), owner);
  const whole = () => {
    fs.copyFileSync(src, target, fs.constants.COPYFILE_EXCL | fs.constants.COPYFILE_FICLONE);
    if (chown) fs.lchownSync(target, owner.uid, owner.gid);
    fs.chmodSync(target, mode);
    fs.utimesSync(target, st.atime, st.mtime);
  };
  if (st.size >= COPY_BUFFER.length) return whole();
  let n = 0;
  if (st.size > 0) {
    const input = fs.openSync(src, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      // a byte more than the size is asked for: a short read is the end of the file (one call), a
      // file that grew is copied as it is now (like copyfile would)
      const want = st.size + 1;
      while (n < want) {
        const ask = want - n;
        const got = fs.readSync(input, COPY_BUFFER, n, ask, n);
        n += got;
        if (got < ask) break;
      }
    } finally {
      fs.closeSync(input);
    }
    if (n > st.size) return whole(); // grew since it was listed: copied as it is now
  }
  // created with its mode when the umask leaves it as it is (no chmod call then)
  const exact = (mode & 0o7000) === 0 && (mode & UMASK) === 0;
  const out = fs.openSync(target, CREATE_FLAGS, exact ? mode : 0o600);
  try {
    let off = 0;
    while (off < n) off += fs.writeSync(out, COPY_BUFFER, off, n - off);
    if (chown) fs.fchownSync(out, owner.uid, owner.gid);
    if (!exact) fs.fchmodSync(out, mode);
    fs.futimesSync(out, st.atime, st.mtime);
  } finally {
    fs.closeSync(out);
  }
}

/**
 * Copies one source entry to `target` (a host path whose parent is a real dir inside the rootfs).
 * Synchronous file-system calls: thousands of small files, each a handful of syscalls.
 */
async function copyEntry(w: Writer, src: PlannedPath, target: string, relBelow: string): Promise<void> {
  const st = src.stat;
  const parent = path.dirname(target);
  const existing = w.fresh.has(parent) ? null : lstatSyncOrNull(target);
  const owner = ownerOf(w, st);
  const mode = w.opts.chmod ?? (st.mode & 0o7777);
  if (st.isDirectory()) {
    if (existing && !existing.isDirectory()) {
      fs.rmSync(target, { recursive: true, force: true });
      w.removed = true;
    }
    if (!existing || !existing.isDirectory()) {
      fs.mkdirSync(target, { mode: 0o700 });
      w.fresh.add(target);
    } else w.fresh.delete(target); // a second source merges into it: its names may exist now
    const chown = isRoot && needsChown(w, parent, owner);
    await copyDirContents(w, src, target, relBelow);
    if (chown || (existing?.isDirectory() && (existing.uid !== owner.uid || existing.gid !== owner.gid))) setOwner(target, owner.uid, owner.gid);
    fs.chmodSync(target, mode);
    fs.utimesSync(target, st.atime, st.mtime);
    return;
  }
  if (existing) {
    fs.rmSync(target, { recursive: true, force: true });
    w.removed = true;
  }
  if (st.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(src.host), target);
    if (isRoot && needsChown(w, parent, owner)) fs.lchownSync(target, owner.uid, owner.gid);
    fs.lutimesSync(target, st.atime, st.mtime);
    return;
  }
  if (!st.isFile()) return; // sockets, fifos and devices are not copied from a context
  const inodeKey = `${st.dev}:${st.ino}`;
  const first = st.nlink > 1 ? w.inodes.get(inodeKey) : undefined;
  if (first) {
    fs.linkSync(first, target);
    return;
  }
  copyRegular(w, src.host, target, st, owner, mode);
  if (st.nlink > 1) w.inodes.set(inodeKey, target);
}

async function copyDirContents(w: Writer, dir: PlannedPath, targetDir: string, relBelow: string): Promise<void> {
  for (const child of listDir(dir, w.sr, w.excludes, relBelow)) {
    await copyEntry(w, child.src, `${targetDir}/${path.basename(child.src.host)}`, child.relBelow);
    await w.yieldSometimes();
  }
}

function lstatSyncOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}

/** Writes `plan` into `rootfs` at `opts.dest`. */
export interface CopyResult {
  /** Something that existed was removed or replaced (overlay may then have whiteouts or opaque dirs). */
  removed: boolean;
  /** A file was hard-linked from a layer dir (it may carry xattrs). */
  linkedFromLayers: boolean;
}

/**
 * Copying a tree is thousands of synchronous system calls, and a build's parallel stages (and the
 * layer writer) all run on the daemon's one thread: a copy of plain paths goes to a worker thread
 * (dist/copyWorker.js, running executeCopyHere) when the daemon started them (startCopyWorkers),
 * so two stages' COPYs, or a COPY and the previous step's layer tar, use both cores. The worker
 * gets the plan as data (paths, ignore patterns, options) and lstats the sources again itself.
 */
export async function executeCopy(rootfs: string, sr: CopySourceRoot, plan: CopyPlan, copyOpts: CopyOptions): Promise<CopyResult> {
  const worker = plan.items.every((i) => i.kind === 'path') ? copyWorkers?.take() : undefined;
  if (!worker) return executeCopyHere(rootfs, sr, plan, copyOpts);
  const job: CopyJob = {
    rootfs,
    sr: { root: sr.root, ignore: sr.ignore?.patterns, preserveOwnership: sr.preserveOwnership, linkable: sr.linkable, linkFrom: sr.linkFrom },
    items: plan.items.map((i) => (i.kind === 'path' ? { host: i.src.host, rel: i.src.rel } : { host: '', rel: '' })),
    multiple: plan.multiple,
    opts: copyOpts,
  };
  try {
    return await worker.run(job);
  } finally {
    copyWorkers?.give(worker);
  }
}

/** A copy of plain paths as data, for a worker thread. */
export interface CopyJob {
  rootfs: string;
  sr: { root: string; ignore?: IgnoreMatcher['patterns']; preserveOwnership: boolean; linkable?: boolean; linkFrom?: string[] };
  items: { host: string; rel: string }[];
  multiple: boolean;
  opts: CopyOptions;
}

/**
 * A whole COPY/ADD (planned and copied) for the copy worker run as a process in the rootless
 * containers' user namespace (`copyWorker.js --userns`): there it is root over every mapped id,
 * so it reads sources other container users own and gives the copies their owners (COPY --from
 * keeps the source's, ADD keeps an archive's), which the daemon's user cannot from outside.
 */
export interface UsernsCopyJob {
  rootfs: string;
  sr: { root: string; ignore?: IgnoreMatcher['patterns']; preserveOwnership: boolean };
  request: { sources: string[]; add: boolean; excludes?: string[] };
  opts: Omit<CopyOptions, 'linkInto'>;
}

/** Runs a UsernsCopyJob here (copies only: no links into the overlay's upper, no URLs or inline sources). */
export async function runUsernsCopyJob(job: UsernsCopyJob): Promise<CopyResult> {
  const sr: CopySourceRoot = { ...job.sr, ignore: job.sr.ignore ? IgnoreMatcher.of(job.sr.ignore) : undefined };
  const plan = await planCopy(sr, { ...job.request, hash: false });
  return executeCopyHere(job.rootfs, sr, plan, job.opts);
}

/** Runs a CopyJob here (in the worker thread). */
export async function runCopyJob(job: CopyJob): Promise<CopyResult> {
  const sr: CopySourceRoot = { ...job.sr, ignore: job.sr.ignore ? IgnoreMatcher.of(job.sr.ignore) : undefined };
  const items: PlanItem[] = job.items.map((i) => ({ kind: 'path', src: { host: i.host, rel: i.rel, stat: fs.lstatSync(i.host) } }));
  return executeCopyHere(job.rootfs, sr, { items, contentHash: '', multiple: job.multiple }, job.opts);
}

interface CopyWorker {
  run(job: CopyJob): Promise<CopyResult>;
  layer(job: LayerJob): Promise<{ digest: string; size: number }>;
}

/** A layer tar to write (uncompressed) into `file`, for a worker thread (see writeLayerInWorker). */
export interface LayerJob {
  entries: LayerEntry[];
  file: string;
  sourceDateEpoch?: number;
}

/** Runs a LayerJob here (in the worker thread); xattr values crossed as plain byte arrays. */
export async function runLayerJob(job: LayerJob): Promise<{ digest: string; size: number }> {
  for (const e of job.entries) {
    if (e.xattrs) for (const k of Object.keys(e.xattrs)) e.xattrs[k] = Buffer.from(e.xattrs[k] as Uint8Array);
  }
  return writeLayerTarFile(job.entries, job.file, { sourceDateEpoch: job.sourceDateEpoch });
}

/**
 * Writes a layer's uncompressed tar to `file` in a worker thread (the tar of thousands of small
 * files is as many synchronous reads); undefined when no worker is free (the caller writes it).
 */
export async function writeLayerInWorker(job: LayerJob): Promise<{ digest: string; size: number } | undefined> {
  const worker = copyWorkers?.take();
  if (!worker) return undefined;
  try {
    return await worker.layer(job);
  } finally {
    copyWorkers?.give(worker);
  }
}

/** Idle workers; a copy finding none runs here while one more starts for the next (at most MAX). */
class CopyWorkers {
  private readonly idle: CopyWorker[] = [];
  private count = 0;
  private static readonly MAX = 2;

  constructor(private readonly file: string) {
    this.spawn();
  }

  private spawn(): void {
    if (this.count >= CopyWorkers.MAX) return;
    this.count++;
    // loaded lazily: only the daemon's main thread has workers
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    const w = new Worker(this.file);
    w.unref();
    const waiting = new Map<number, { resolve: (r: never) => void; reject: (e: Error) => void }>();
    let next = 0;
    let dead = false;
    w.on('message', (m: { id: number; result?: never; error?: { message: string; code?: string } }) => {
      const p = waiting.get(m.id);
      waiting.delete(m.id);
      if (!p) return;
      if (m.error) p.reject(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {}));
      else p.resolve(m.result!);
    });
    const gone = (e: Error) => {
      if (dead) return;
      dead = true;
      this.count--;
      const i = this.idle.indexOf(worker);
      if (i >= 0) this.idle.splice(i, 1);
      for (const p of waiting.values()) p.reject(e);
      waiting.clear();
    };
    w.on('error', gone);
    w.on('exit', (code) => gone(new Error(`the copy worker exited (${code})`)));
    const send = <T>(message: Record<string, unknown>) => new Promise<T>((resolve, reject) => {
      if (dead) return reject(new Error('the copy worker exited'));
      const id = ++next;
      waiting.set(id, { resolve: resolve as (r: never) => void, reject });
      w.ref(); // a job under way keeps the daemon's loop alive
      w.postMessage({ id, ...message });
    }).finally(() => { if (!waiting.size) w.unref(); });
    const worker: CopyWorker = {
      run: (job) => send<CopyResult>({ job }),
      layer: (layer) => send<{ digest: string; size: number }>({ layer }),
    };
    w.once('online', () => { if (!dead) this.idle.push(worker); });
  }

  take(): CopyWorker | undefined {
    const w = this.idle.pop();
    if (!w || !this.idle.length) this.spawn();
    return w;
  }

  give(w: CopyWorker): void {
    this.idle.push(w);
  }
}

let copyWorkers: CopyWorkers | undefined;

/**
 * Starts the copy workers (the daemon, once): only where the bundled worker exists next to this
 * bundle (dist/copyWorker.js) and only on the main thread. Tests of the sources copy in-process.
 */
export function startCopyWorkers(): void {
  if (copyWorkers || __filename.endsWith('.ts')) return;
  const { isMainThread } = require('node:worker_threads') as typeof import('node:worker_threads');
  const file = path.join(__dirname, 'copyWorker.js');
  if (isMainThread && fs.existsSync(file)) copyWorkers = new CopyWorkers(file);
}

async function executeCopyHere(rootfs: string, sr: CopySourceRoot, plan: CopyPlan, copyOpts: CopyOptions): Promise<CopyResult> {
  // `..` never survives into a destination: `/etc/..` is `/`, `/..` is `/` (trailing slash kept).
  const normalized = path.posix.normalize(`/${copyOpts.dest}`);
  const opts = { ...copyOpts, dest: copyOpts.dest.endsWith('/') && !normalized.endsWith('/') ? `${normalized}/` : normalized };
  const w: Writer = {
    rootfs, sr, opts, excludes: opts.excludes?.length ? IgnoreMatcher.fromPatterns(opts.excludes) : undefined, inodes: new Map(),
    fresh: new Set(), setgid: new Map(), removed: false, linkedFromLayers: false, yieldSometimes: yielder(),
  };
  const dirOwner = opts.chown ?? { uid: 0, gid: 0 };
  const destIsDir = opts.dest.endsWith('/') || plan.multiple;
  const destResolved = await resolveInRoot(rootfs, opts.dest, { followFinal: true });
  const destExistingDir = (await lstatOrNull(destResolved.hostPath))?.isDirectory() ?? false;
  if (destIsDir && !destExistingDir && plan.items.length > 1 && (await lstatOrNull(destResolved.hostPath))) {
    throw new Error(`When using COPY with more than one source file, the destination must be a directory and end with a /`);
  }

  const fileTarget = async (name: string): Promise<string> => {
    if (!name || name === '.' || name === '..' || name.includes('/')) throw new Error(`invalid file name ${JSON.stringify(name)} for ${opts.dest}`);
    if (destIsDir || destExistingDir || opts.dest === '/') return `${await mkdirAll(rootfs, opts.dest, dirOwner, w)}/${name}`;
    const parent = await mkdirAll(rootfs, path.posix.dirname(opts.dest), dirOwner, w);
    return `${parent}/${path.posix.basename(opts.dest)}`;
  };

  for (const it of plan.items) {
    // "fresh" (and the setgid answers) hold within one source's pass: a later source may write
    // into the same dirs
    w.fresh.clear();
    w.setgid.clear();
    if (it.kind === 'inline' || it.kind === 'url') {
      const target = await fileTarget(it.name);
      if (await lstatOrNull(target)) w.removed = true;
      await fs.promises.rm(target, { recursive: true, force: true });
      await fs.promises.writeFile(target, it.content, { flag: 'wx', mode: 0o600 });
      setOwner(target, dirOwner.uid, dirOwner.gid);
      await fs.promises.chmod(target, opts.chmod ?? (it.kind === 'url' ? 0o600 : it.mode));
      continue;
    }
    if (it.kind === 'archive') {
      const into = await mkdirAll(rootfs, opts.dest, dirOwner, w);
      w.removed = true; // an archive may replace anything below dest
      // like BuildKit, `--chown` also applies to what an archive unpacks
      await applyLayer(fs.createReadStream(it.src.host), into, {
        whiteouts: 'literal', ownership: isRoot ? 'chown' : 'record', owner: opts.chown, compressions: ARCHIVE_COMPRESSIONS,
      });
      continue;
    }
    const src = it.src;
    if (opts.parents) {
      const pivot = src.rel.includes('/./') ? src.rel.slice(src.rel.indexOf('/./') + 3) : src.rel;
      const parentDir = path.posix.dirname(pivot);
      const base = await mkdirAll(rootfs, parentDir === '.' ? opts.dest : `${opts.dest}/${parentDir}`, dirOwner, w);
      await copyEntry(w, src, `${base}/${path.posix.basename(pivot)}`, '');
      continue;
    }
    if (src.stat.isDirectory()) {
      // An existing destination directory keeps its attributes; a new one gets the source
      // directory's (BuildKit's copyDirectory), its parents 0755.
      const existing = await resolveInRoot(rootfs, opts.dest, { followFinal: true });
      if ((await lstatOrNull(existing.hostPath))?.isDirectory()) await copyDirContents(w, src, existing.hostPath, '');
      else {
        const parent = await mkdirAll(rootfs, path.posix.dirname(opts.dest), dirOwner, w);
        await copyEntry(w, src, `${parent}/${path.posix.basename(opts.dest)}`, '');
      }
      continue;
    }
    await copyEntry(w, src, await fileTarget(path.posix.basename(src.rel) || path.basename(src.host)), '');
  }
  return { removed: w.removed, linkedFromLayers: w.linkedFromLayers };
}
