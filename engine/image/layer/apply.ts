/**
 * applyLayer: SAFE extraction of an OCI/Docker layer tar (plain or gzip; ADD archives also bzip2,
 * xz, zstd) onto a root directory.
 *
 * Hand-written on top of tar-stream (the tar parser) because no library implements layer
 * semantics (whiteouts, opaque dirs, ownership recording for rootless) AND the confinement rules of
 * docs/security.md; npm `tar` is excluded by that document. The rules, with the incident each one
 * prevents:
 * - Entry names are cleaned; a `..` component that climbs above the root is refused (the whole
 *   layer fails, as in moby's breakout check); an absolute name is read relative to the root
 *   (moby joins it under the root). `.wh.`, `.wh..`, `.wh...` are refused. An entry for the root
 *   itself may only set a directory's attributes, never change its type (umoci CVE-2021-29136).
 * - Every parent is resolved inside the root component by component (resolveInRoot: lstat each
 *   component, symlinks resolved with chroot semantics, so absolute and `..` targets stay inside —
 *   CVE-2014-6407, CVE-2014-9356). The final component is never followed: what is there is
 *   unlinked first (never write through an existing link — node-tar CVE-2018-20834) and files are
 *   created with O_CREAT|O_EXCL|O_NOFOLLOW; attributes are set through that fd.
 * - Symlink targets are stored verbatim (absolute, `../../..`): containment is enforced when a
 *   path is resolved, never by rejecting targets (the kaniko regression).
 * - Hardlink targets: leading `/` stripped; must stay inside the root lexically, must exist,
 *   are resolved without following a final symlink, may not be a directory, and may not be the
 *   entry itself.
 * - Whiteouts delete only paths resolved inside the root; `.wh..wh..opq` removes the lower
 *   siblings (whatever its position in the tar, never what this layer wrote).
 * - Ownership: lchown/fchown when permitted (root), otherwise recorded in the result for the
 *   rootless executor. Only `security.capability` is applied from xattrs; devices only as root.
 * - Bounds: entry count, path length, path depth and uncompressed bytes are capped; tar-stream
 *   caps PAX/long headers at 4 MiB and streams padding.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import * as tar from 'tar-stream';
import { decompressIf, type Compression } from './decompress';
import { cleanRelative, pathComponents, PathEscapeError, resolveInRootSync } from './resolveInRoot';
import { CAPABILITY, writeXattrs } from './xattrs';

const execFileP = promisify(execFile);
const MKNOD = '/usr/bin/mknod';
const WHITEOUT_PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';
/** Mirror mode compares files up to this size in memory; bigger ones are always rewritten. */
const MIRROR_BUFFER = 8 << 20;

export interface ApplyLimits {
  maxEntries: number;
  maxPathLength: number;
  maxDepth: number;
  /** Total uncompressed file bytes. */
  maxBytes: number;
}

export const DEFAULT_LIMITS: ApplyLimits = { maxEntries: 1_000_000, maxPathLength: 4096, maxDepth: 1024, maxBytes: 256 * 2 ** 30 };

export interface ApplyOptions {
  /** `chown` (default when running as root) or `record` (rootless: ownership goes to the result). */
  ownership?: 'chown' | 'record';
  /** Create device nodes (default: only as root). */
  devices?: boolean;
  /** Apply `security.capability` xattrs (default: as root). */
  xattrs?: boolean;
  limits?: Partial<ApplyLimits>;
  signal?: AbortSignal;
  /**
   * `apply` (default): whiteouts delete lower paths. `literal`: `.wh.*` names are ordinary files
   * (build contexts, ADD archives).
   */
  whiteouts?: 'apply' | 'literal';
  /**
   * Mirror mode (build contexts re-sent on every build): the tar describes the whole tree. A regular
   * file already at its path with the same size, mode, mtime (seconds) and content digest is kept
   * instead of rewritten (`digestOf` returns the sha256 hex of the existing file, or undefined to
   * have it rewritten), and every path the tar does not name is removed at the end. A file that
   * changed is unlinked and created anew, never written in place (the builder hard-links context
   * files into layers). `onFile` hears the sha256 hex of every regular file the tar holds, hashed
   * while it streamed by, with the file's final stat.
   */
  mirror?: {
    digestOf(hostPath: string, st: fs.Stats): string | undefined;
    onFile?(hostPath: string, st: fs.Stats, digest: string): void;
  };
  /** Compressions the tar may come in (default gzip, as layers; ADD takes bzip2, xz and zstd too). */
  compressions?: readonly Compression[];
  /** Owner for every entry instead of the tar's (`ADD --chown` of an archive). */
  owner?: { uid: number; gid: number };
  /**
   * Refuse to replace an existing directory with a non-directory, or a non-directory with a
   * directory (docker cp; dockerd's NoOverwriteDirNonDir). `root` is how the extraction point is
   * named in the error.
   */
  noOverwriteDirNonDir?: { root: string };
}

export interface ApplyResult {
  entries: number;
  /** Uncompressed bytes of regular-file content written. */
  bytes: number;
  /** `record` mode: path (relative to root, '' = root) → owner, for every entry not owned by 0:0. */
  ownership: Map<string, { uid: number; gid: number }>;
  /** Device nodes not made because `devices` is off (paths relative to root). */
  skippedDevices: string[];
}

export class LayerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayerError';
  }
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Extracts the layer in `input` (plain tar or gzip, sniffed) onto `rootDir`. */
export async function applyLayer(input: Readable, rootDir: string, opts: ApplyOptions = {}): Promise<ApplyResult> {
  const root = path.resolve(rootDir);
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const ownership = opts.ownership ?? (isRoot() ? 'chown' : 'record');
  const devices = opts.devices ?? isRoot();
  const applyXattrs = opts.xattrs ?? isRoot();
  const result: ApplyResult = { entries: 0, bytes: 0, ownership: new Map(), skippedDevices: [] };
  /** Relative paths this layer created or replaced (an opaque marker keeps them). */
  const written = new Set<string>(['']);
  const dirTimes = new Map<string, Date>(); // relative dir path → mtime
  const caps: { hostPath: string; name: string; value: Buffer }[] = [];
  const whiteouts = opts.whiteouts ?? 'apply';
  /**
   * Relative paths verified (lstat) or created by us as real directories during this extraction.
   * Nobody else writes the root while we work, and every path we remove or replace is dropped from
   * the set with everything below it, so a cached directory can never have become a link.
   */
  const knownDirs = new Set<string>(['']);
  /** Directories we created in this extraction: their only children are entries in `written`. */
  const fresh = new Set<string>();
  const forget = (rel: string) => {
    for (const set of [knownDirs, fresh]) {
      for (const d of set) if (d === rel || d.startsWith(`${rel}/`)) set.delete(d);
    }
  };
  const hostOf = (rel: string) => (rel ? `${root}/${rel}` : root);

  /** Resolves a directory inside the root (chroot semantics), through the verified cache. */
  function resolveDir(rel: string): { hostPath: string; rel: string } {
    if (knownDirs.has(rel)) return { hostPath: hostOf(rel), rel };
    const r = resolveInRootSync(root, rel, { followFinal: true });
    if (lstatOrNull(r.hostPath)?.isDirectory()) knownDirs.add(r.rel);
    return r;
  }

  /** Removes whatever is at `rel` (never following a link). */
  function removePath(rel: string): void {
    fs.rmSync(hostOf(rel), { recursive: true, force: true });
    forget(rel);
  }

  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    if (opts.signal?.aborted) {
      stream.resume();
      next(new Error('layer extraction cancelled'));
      return;
    }
    applyEntry(header, stream as unknown as Readable).then(() => next(), (e) => {
      stream.resume();
      next(e);
    });
  });

  async function applyEntry(h: tar.Header, content: Readable): Promise<void> {
    if (++result.entries > limits.maxEntries) throw new LayerError(`layer has more than ${limits.maxEntries} entries`);
    if (Buffer.byteLength(h.name) > limits.maxPathLength) throw new LayerError(`entry name longer than ${limits.maxPathLength} bytes`);
    const raw = pathComponents(h.name);
    if (raw.length > limits.maxDepth) throw new LayerError(`entry ${JSON.stringify(h.name.slice(0, 80))} deeper than ${limits.maxDepth}`);
    const rel = cleanRelative(h.name);
    if (rel === null) throw new PathEscapeError(`invalid layer entry ${JSON.stringify(h.name)}: it climbs out of the root`);
    const base = rel === '' ? '' : rel.slice(rel.lastIndexOf('/') + 1);
    const parentRel = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '';

    if (base.startsWith(WHITEOUT_PREFIX) && whiteouts !== 'literal') {
      content.resume();
      if (base === '.wh.' || base === '.wh..' || base === '.wh...') throw new LayerError(`invalid whiteout ${JSON.stringify(h.name)}`);
      const dir = resolveDir(parentRel);
      if (base === OPAQUE) removeUnwrittenChildren(dir.hostPath, dir.rel);
      else {
        const victim = base.slice(WHITEOUT_PREFIX.length);
        removePath(dir.rel ? `${dir.rel}/${victim}` : victim);
      }
      return;
    }

    if (rel === '') {
      // The root itself: attributes only, and only from a directory entry.
      content.resume();
      if (h.type !== 'directory') throw new LayerError(`layer entry ${JSON.stringify(h.name)} would replace the root with a ${h.type}`);
      setAttributes(root, '', h, 'directory');
      dirTimes.set('', h.mtime);
      return;
    }

    const parent = ensureDir(parentRel);
    const targetRel = parent.rel ? `${parent.rel}/${base}` : base;
    const target = hostOf(targetRel);
    const existing = fresh.has(parent.rel) && !written.has(targetRel) ? null : lstatOrNull(target);
    if (opts.noOverwriteDirNonDir && existing && existing.isDirectory() !== (h.type === 'directory')) {
      content.resume();
      const { root: shown } = opts.noOverwriteDirNonDir;
      const p = JSON.stringify(path.posix.join(shown, targetRel));
      throw new LayerError(existing.isDirectory() ? `cannot overwrite directory ${p} with non-directory ${JSON.stringify(shown)}` : `cannot overwrite non-directory ${p} with directory ${JSON.stringify(shown)}`);
    }
    const keepForMirror = opts.mirror && existing?.isFile() && (h.type === 'file' || h.type === 'contiguous-file');
    if (existing && !(existing.isDirectory() && h.type === 'directory') && !keepForMirror) removePath(targetRel);
    written.add(targetRel);

    switch (h.type) {
      case 'directory':
        if (!existing || !existing.isDirectory()) {
          fs.mkdirSync(target, { mode: 0o700 });
          fresh.add(targetRel);
        }
        knownDirs.add(targetRel);
        content.resume();
        setAttributes(target, targetRel, h, 'directory');
        dirTimes.set(targetRel, h.mtime);
        break;
      case 'file':
      case 'contiguous-file': {
        if (opts.mirror && existing?.isFile() && existing.size === h.size && h.size <= MIRROR_BUFFER
          && (existing.mode & 0o7777) === (h.mode & 0o7777) && Math.floor(existing.mtimeMs / 1000) === Math.floor(h.mtime.getTime() / 1000)) {
          const known = opts.mirror.digestOf(target, existing);
          const chunks: Buffer[] = [];
          for await (const chunk of content) chunks.push(chunk as Buffer);
          const data = Buffer.concat(chunks);
          result.bytes += data.length;
          const digest = createHash('sha256').update(data).digest('hex');
          if (known && known === digest) {
            written.add(targetRel);
            opts.mirror.onFile?.(target, existing, digest);
            break;
          }
          removePath(targetRel);
          written.add(targetRel);
          const fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
          try {
            writeAll(fd, data);
            setAttributes(target, targetRel, h, 'file', fd);
            opts.mirror.onFile?.(target, fs.fstatSync(fd), digest);
          } finally {
            fs.closeSync(fd);
          }
          break;
        }
        if (keepForMirror) removePath(targetRel);
        const fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
        try {
          let n = 0;
          const hash = opts.mirror?.onFile ? createHash('sha256') : undefined;
          for await (const chunk of content) {
            n += (chunk as Buffer).length;
            result.bytes += (chunk as Buffer).length;
            if (result.bytes > limits.maxBytes) throw new LayerError(`layer content exceeds ${limits.maxBytes} bytes`);
            hash?.update(chunk as Buffer);
            writeAll(fd, chunk as Buffer);
          }
          if (n !== h.size) throw new LayerError(`short entry ${h.name}`);
          setAttributes(target, targetRel, h, 'file', fd);
          if (hash) opts.mirror!.onFile!(target, fs.fstatSync(fd), hash.digest('hex'));
        } finally {
          fs.closeSync(fd);
        }
        break;
      }
      case 'symlink':
        content.resume();
        fs.symlinkSync(h.linkname, target);
        setAttributes(target, targetRel, h, 'symlink');
        break;
      case 'link': {
        content.resume();
        const linkRel = cleanRelative(h.linkname);
        if (linkRel === null || linkRel === '') throw new PathEscapeError(`invalid hardlink ${JSON.stringify(h.name)} -> ${JSON.stringify(h.linkname)}: outside the root`);
        const linkParent = resolveDir(path.posix.dirname(linkRel) === '.' ? '' : path.posix.dirname(linkRel));
        const linkTarget = `${linkParent.hostPath}/${path.posix.basename(linkRel)}`;
        if (linkTarget === target) throw new LayerError(`hardlink ${JSON.stringify(h.name)} points to itself`);
        const st = lstatOrNull(linkTarget);
        if (!st) throw new LayerError(`hardlink ${JSON.stringify(h.name)}: target ${JSON.stringify(h.linkname)} does not exist`);
        if (st.isDirectory()) throw new LayerError(`hardlink ${JSON.stringify(h.name)}: target is a directory`);
        fs.linkSync(linkTarget, target);
        break;
      }
      case 'character-device':
      case 'block-device':
      case 'fifo':
        content.resume();
        if (h.type === 'fifo' || devices) {
          const kind = h.type === 'fifo' ? ['p'] : [h.type === 'block-device' ? 'b' : 'c', String(h.devmajor), String(h.devminor)];
          await execFileP(MKNOD, ['-m', (h.mode & 0o777).toString(8), '--', target, ...kind]);
          setAttributes(target, targetRel, h, 'special');
        } else {
          result.skippedDevices.push(targetRel);
        }
        break;
      default:
        content.resume();
        throw new LayerError(`unsupported tar entry type ${h.type} for ${JSON.stringify(h.name)}`);
    }

    if (applyXattrs && h.type === 'file' && h.pax) {
      const v = (h.pax as Record<string, string>)[`SCHILY.xattr.${CAPABILITY}`];
      if (v !== undefined && !v.includes('\uFFFD')) caps.push({ hostPath: target, name: CAPABILITY, value: Buffer.from(v, 'utf8') });
    }
  }

  /** Resolves a parent directory inside the root, creating missing components (0755, root-owned). */
  function ensureDir(rel: string): { hostPath: string; rel: string } {
    const r = resolveDir(rel);
    if (knownDirs.has(r.rel)) return r;
    const st = lstatOrNull(r.hostPath);
    if (st) throw new LayerError(`${JSON.stringify(rel)} is not a directory`);
    // Create component by component so that no component is ever a link.
    let curRel = '';
    for (const c of pathComponents(r.rel)) {
      curRel = curRel ? `${curRel}/${c}` : c;
      if (knownDirs.has(curRel)) continue;
      const s = lstatOrNull(hostOf(curRel));
      if (!s) {
        fs.mkdirSync(hostOf(curRel), { mode: 0o755 });
        written.add(curRel);
        fresh.add(curRel);
      } else if (!s.isDirectory()) throw new LayerError(`${JSON.stringify(curRel)} is not a directory`);
      knownDirs.add(curRel);
    }
    return r;
  }

  /** Mirror mode: removes every path below `dirRel` the tar did not name. */
  function removeUnnamed(dirRel: string): void {
    for (const n of fs.readdirSync(hostOf(dirRel))) {
      const childRel = dirRel ? `${dirRel}/${n}` : n;
      if (!written.has(childRel)) removePath(childRel);
      else if (knownDirs.has(childRel)) removeUnnamed(childRel);
    }
  }

  function removeUnwrittenChildren(dirHost: string, dirRel: string): void {
    let names: string[];
    try {
      names = fs.readdirSync(dirHost);
    } catch {
      return;
    }
    for (const n of names) {
      const childRel = dirRel ? `${dirRel}/${n}` : n;
      if (!written.has(childRel)) removePath(childRel);
    }
  }

  function setAttributes(hostPath: string, rel: string, h: tar.Header, kind: 'directory' | 'file' | 'symlink' | 'special', fd?: number): void {
    const uid = opts.owner?.uid ?? h.uid ?? 0;
    const gid = opts.owner?.gid ?? h.gid ?? 0;
    const mode = h.mode & 0o7777;
    if (ownership === 'record') {
      if (uid !== 0 || gid !== 0) result.ownership.set(rel, { uid, gid });
      else result.ownership.delete(rel);
    }
    if (kind === 'symlink') {
      if (ownership === 'chown') fs.lchownSync(hostPath, uid, gid);
      fs.lutimesSync(hostPath, h.mtime, h.mtime);
      return;
    }
    if (kind === 'special') {
      if (ownership === 'chown') fs.lchownSync(hostPath, uid, gid);
      fs.chmodSync(hostPath, mode);
      fs.lutimesSync(hostPath, h.mtime, h.mtime);
      return;
    }
    const handle = fd ?? fs.openSync(hostPath, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_DIRECTORY);
    try {
      if (ownership === 'chown') fs.fchownSync(handle, uid, gid);
      fs.fchmodSync(handle, mode);
      if (kind === 'file') fs.futimesSync(handle, h.mtime, h.mtime);
    } finally {
      if (fd === undefined) fs.closeSync(handle);
    }
  }

  await pipeline(input, decompressIf(opts.compressions ?? ['gzip']), extract, { signal: opts.signal });
  if (opts.mirror) removeUnnamed('');
  await writeXattrs(caps);
  // Directory mtimes last (children changed them), deepest first; only directories still verified.
  for (const [rel, mtime] of [...dirTimes.entries()].reverse()) {
    if (!knownDirs.has(rel)) continue;
    const fd = fs.openSync(hostOf(rel), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_DIRECTORY);
    try {
      fs.futimesSync(fd, mtime, mtime);
    } finally {
      fs.closeSync(fd);
    }
  }
  return result;
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += fs.writeSync(fd, buf, off);
}

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
}
