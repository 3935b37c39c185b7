/**
 * Confined path resolution ("SecureJoin") for everything that writes or reads under a rootfs.
 *
 * Hand-written because Node has no openat2(RESOLVE_IN_ROOT) and no library gives chroot semantics
 * on top of plain paths. The rules (see docs/security.md, the CVE-2014-6407/9356 and kaniko
 * CVE-2026-28406 incidents):
 * - the path is walked component by component with lstat; nothing is ever `path.join`ed and used;
 * - a symlink met on the way is resolved with chroot semantics: an absolute target restarts at the
 *   root, `..` at the root stays at the root, so the result can never name anything outside `root`;
 * - the final component is followed only when asked (`followFinal`): writers open it with
 *   O_NOFOLLOW / unlink it first, so a planted link cannot redirect a write;
 * - components that do not exist yet are kept lexically (they cannot be links).
 * The returned path contains only real directories below `root` (plus the final component), so a
 * caller may use it with plain fs calls; the remaining TOCTOU window (a concurrent writer swapping
 * a directory for a link between resolution and use) is excluded by using it only on roots nobody
 * else writes to while we work (layer unpacking, build snapshots).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const MAX_LINK_HOPS = 255;

export class PathEscapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathEscapeError';
  }
}

/** Splits a tar/Dockerfile path into clean components; `..` is kept for the caller to judge. */
export function pathComponents(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

/**
 * Lexically cleans `p` as a path relative to a root: leading slashes dropped, `.` removed and `..`
 * resolved. Returns null when `..` would climb above the root.
 */
export function cleanRelative(p: string): string | null {
  const out: string[] = [];
  for (const c of pathComponents(p)) {
    if (c === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(c);
  }
  return out.join('/');
}

/**
 * Resolves `p` (absolute or relative, interpreted inside `root`) to a host path inside `root`.
 * Returns the host path and the components relative to root. Synchronous on purpose: it is a
 * handful of lstat calls, and the extractor calls it per tar entry.
 */
export function resolveInRootSync(root: string, p: string, opts: { followFinal?: boolean } = {}): { hostPath: string; rel: string } {
  const rootAbs = path.resolve(root);
  let pending = pathComponents(p);
  const resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const c = pending.shift()!;
    if (c === '..') {
      resolved.pop();
      continue;
    }
    const candidate = resolved.length ? `${rootAbs}/${resolved.join('/')}/${c}` : `${rootAbs}/${c}`;
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(candidate);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
    }
    if (st?.isSymbolicLink() && (pending.length > 0 || opts.followFinal)) {
      if (++hops > MAX_LINK_HOPS) throw new PathEscapeError(`too many levels of symbolic links resolving ${p}`);
      const target = fs.readlinkSync(candidate);
      if (target.startsWith('/')) resolved.length = 0;
      pending = [...pathComponents(target), ...pending];
      continue;
    }
    resolved.push(c);
  }
  const rel = resolved.join('/');
  return { hostPath: rel ? `${rootAbs}/${rel}` : rootAbs, rel };
}

/** Promise form of resolveInRootSync for async callers. */
export async function resolveInRoot(root: string, p: string, opts: { followFinal?: boolean } = {}): Promise<{ hostPath: string; rel: string }> {
  return resolveInRootSync(root, p, opts);
}
