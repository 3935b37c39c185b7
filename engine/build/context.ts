/**
 * The build context: a directory the builder reads COPY/ADD sources from, confined to it.
 * - `contextFromTar`: the `/build` request body (untrusted) is extracted with the same confined
 *   extractor as layers (applyLayer: no `..`, no writes through links; whiteout names are plain
 *   files; ownership is recorded, never applied) into a private temp dir (kaniko CVE-2026-28406).
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

export interface BuildContext {
  /** Host directory of the context root. */
  root: string;
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

/** Removes the kept context directories no build is using (`/build/prune`). */
export async function pruneContexts(workDir: string): Promise<void> {
  for (const n of await fs.promises.readdir(workDir).catch(() => [] as string[])) {
    const dir = path.join(workDir, n);
    if (!busy.has(dir)) await fs.promises.rm(dir, { recursive: true, force: true });
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
  try {
    await applyLayer(body, root, {
      ownership: 'record', whiteouts: 'literal', devices: false, xattrs: false, signal,
      mirror: keep ? { digestOf: (_p, st) => knownDigest(st) } : undefined,
    });
    const dockerfileText = await readDockerfile(root, dockerfile);
    const ignore = await loadIgnore(root, cleanRelative(dockerfile) ?? 'Dockerfile');
    if (ignore) {
      for (const f of [cleanRelative(dockerfile) ?? 'Dockerfile', '.dockerignore']) {
        if (ignore.matches(f)) await fs.promises.rm((await resolveInRoot(root, f)).hostPath, { force: true });
      }
    }
    return { root, dockerfileText, dispose };
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
