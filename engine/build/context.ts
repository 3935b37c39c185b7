/**
 * The build context: a directory the builder reads COPY/ADD sources from, confined to it.
 * - `contextFromTar`: the `/build` request body (untrusted) is extracted with the same confined
 *   extractor as layers (applyLayer: no `..`, no writes through links; whiteout names are plain
 *   files; ownership is recorded, never applied) into a private temp dir (kaniko CVE-2026-28406).
 *   Every file is hashed while it streams by (COPY's cache keys need no second read).
 *   As in dockerd, `.dockerignore` was already applied by the client; the Dockerfile and the ignore
 *   file themselves are dropped from the context when the ignore file excludes them.
 * - `contextFromDir`: a local directory used in place (the fast path); `.dockerignore` /
 *   `<Dockerfile>.dockerignore` are applied here when sources are enumerated. Symlinks inside the
 *   context are copied as links; source paths are resolved with chroot semantics, so no link leads
 *   outside the context.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { applyLayer, cleanRelative, resolveInRoot } from '../image/layer';
import { knownDigest } from './copy';
import { IgnoreMatcher } from './dockerignore';

/** A regular file's content digest, valid while the file keeps this inode, size and mtime. */
export interface KnownDigest {
  ino: number;
  size: number;
  mtimeMs: number;
  /** sha256 hex */
  digest: string;
}

export interface BuildContext {
  /** Host directory of the context root. */
  root: string;
  /**
   * Tar contexts: the digest of every regular file, hashed while the upload streamed by, by host
   * path. The directory is private to the daemon and only written by the mirror (a changed file
   * gets a new inode), so these stay true without looking at ctime.
   */
  digests?: Map<string, KnownDigest>;
  /**
   * Tar contexts: files may be hard-linked into layers instead of copied (the mirror never
   * writes a file in place; a local directory is the user's and may be edited in place).
   */
  linkable?: boolean;
  /** Excluded paths (local-directory contexts); undefined when the client already filtered. */
  ignore?: IgnoreMatcher;
  /** The Dockerfile's text (read before an ignore rule drops it from the context). */
  dockerfileText: string;
  /** Removes temp files (tar contexts). */
  dispose(): Promise<void>;
}

async function readIfFile(root: string, rel: string): Promise<string | undefined> {
  const { hostPath } = await resolveInRoot(root, rel, { followFinal: true });
  try {
    const st = await fs.promises.stat(hostPath);
    if (!st.isFile()) return undefined;
    return await fs.promises.readFile(hostPath, 'utf8');
  } catch {
    return undefined;
  }
}

/** `<Dockerfile>.dockerignore` next to the Dockerfile wins over `.dockerignore` at the root. */
async function loadIgnore(root: string, dockerfileRel: string): Promise<IgnoreMatcher | undefined> {
  const specific = await readIfFile(root, `${dockerfileRel}.dockerignore`);
  const text = specific ?? await readIfFile(root, '.dockerignore');
  return text === undefined ? undefined : IgnoreMatcher.fromFile(text);
}

/** Reads the Dockerfile from the context (confined), Docker's error when missing. */
async function readDockerfile(root: string, dockerfile: string): Promise<string> {
  const rel = cleanRelative(dockerfile);
  const text = rel === null || rel === '' ? undefined : await readIfFile(root, rel);
  if (text === undefined) throw new Error(`Cannot locate specified Dockerfile: ${dockerfile}`);
  return text;
}

/** Context directories in use by a running build (one build per directory at a time). */
const busy = new Set<string>();

/** Digests of the files of each kept context directory, as the last upload left them. */
const mirrored = new Map<string, Map<string, KnownDigest>>();

const known = (k: KnownDigest | undefined, st: fs.Stats) => (k && k.ino === st.ino && k.size === st.size && k.mtimeMs === st.mtimeMs ? k.digest : undefined);

/** sha256 hex of a (small) file, read once (a kept context after a daemon restart). */
function hashFile(hostPath: string): string | undefined {
  try {
    return createHash('sha256').update(fs.readFileSync(hostPath)).digest('hex');
  } catch {
    return undefined;
  }
}

/** Removes the kept context directories no build is using (`/build/prune`). */
export async function pruneContexts(workDir: string): Promise<void> {
  for (const n of await fs.promises.readdir(workDir).catch(() => [] as string[])) {
    const dir = path.join(workDir, n);
    if (busy.has(dir)) continue;
    mirrored.delete(dir);
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/**
 * Extracts an uploaded context. With `reuseKey` (e.g. the tags and Dockerfile of the request) the
 * context is mirrored into a directory kept between builds: files whose size, mode, mtime and
 * content digest are unchanged are not rewritten and paths the new tar lacks are removed, so an
 * unchanged context costs one read of the stream instead of thousands of file writes.
 */
export async function contextFromTar(body: Readable, workDir: string, dockerfile: string, signal?: AbortSignal, reuseKey?: string): Promise<BuildContext> {
  await fs.promises.mkdir(workDir, { recursive: true, mode: 0o700 });
  let root: string;
  let keep = false;
  const reuseDir = reuseKey ? path.join(workDir, `context-${createHash('sha256').update(reuseKey).digest('hex').slice(0, 16)}`) : undefined;
  if (reuseDir && !busy.has(reuseDir)) {
    root = reuseDir;
    keep = true;
    busy.add(root);
    await fs.promises.mkdir(root, { recursive: true, mode: 0o755 });
  } else {
    root = await fs.promises.mkdtemp(path.join(workDir, 'context-tmp-'));
    busy.add(root);
  }
  await fs.promises.chmod(root, 0o755); // the context root's mode is what `COPY . /new/` gives /new
  const release = () => { busy.delete(root); };
  const dispose = async () => {
    if (!keep) await fs.promises.rm(root, { recursive: true, force: true });
    release();
  };
  const before = mirrored.get(root);
  mirrored.delete(root); // until this upload is complete
  const digests = new Map<string, KnownDigest>();
  try {
    await applyLayer(body, root, {
      ownership: 'record', whiteouts: 'literal', devices: false, xattrs: false, signal,
      mirror: {
        // a file kept from the last upload is compared by content; its digest is known unless the
        // daemon restarted since (then it is read once rather than rewritten)
        digestOf: (p, st) => known(before?.get(p), st) ?? knownDigest(st) ?? (keep ? hashFile(p) : undefined),
        onFile: (p, st, digest) => { digests.set(p, { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, digest }); },
      },
    });
    if (keep) mirrored.set(root, digests);
    const dockerfileText = await readDockerfile(root, dockerfile);
    const ignore = await loadIgnore(root, cleanRelative(dockerfile) ?? 'Dockerfile');
    if (ignore) {
      for (const f of [cleanRelative(dockerfile) ?? 'Dockerfile', '.dockerignore']) {
        if (ignore.matches(f)) await fs.promises.rm((await resolveInRoot(root, f)).hostPath, { force: true });
      }
    }
    return { root, dockerfileText, dispose, digests, linkable: true };
  } catch (e) {
    // a half-mirrored directory is never reused
    await fs.promises.rm(root, { recursive: true, force: true });
    release();
    throw e;
  }
}

export async function contextFromDir(dir: string, dockerfile: string): Promise<BuildContext> {
  if (!path.isAbsolute(dir)) throw new Error(`context directory must be absolute: ${dir}`);
  const st = await fs.promises.stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new Error(`context directory ${dir} is not a directory`);
  const root = await fs.promises.realpath(dir);
  const dockerfileText = await readDockerfile(root, dockerfile);
  return { root, dockerfileText, ignore: await loadIgnore(root, cleanRelative(dockerfile) ?? 'Dockerfile'), dispose: async () => undefined };
}
