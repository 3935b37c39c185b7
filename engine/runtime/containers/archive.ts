// `docker cp` and `docker export`: tars of paths inside a container's rootfs and extraction into it.
// Every path is resolved inside the rootfs with chroot semantics (engine/image/layer resolveInRoot);
// reading uses lstat and never follows a link out; extraction is engine/image/layer's safe
// applyLayer (decompression in-process — no container binary ever runs on the daemon side).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { applyLayer, diffDirs, LayerError, resolveInRoot, resolveUser, writeLayer, type LayerEntry } from '../../image/layer';
import { invalid, RuntimeError } from '../errors';

/** Go's os.FileMode type bits, used by the X-Docker-Container-Path-Stat header. */
const GO_MODE_DIR = 2 ** 31;
const GO_MODE_SYMLINK = 2 ** 27;

export interface PathStat {
  name: string;
  size: number;
  mode: number;
  mtime: string;
  linkTarget: string;
}

async function resolve(rootfs: string, p: string): Promise<{ hostPath: string; st: fs.Stats }> {
  const { hostPath } = await resolveInRoot(rootfs, p);
  const st = await fs.promises.lstat(hostPath).catch(() => undefined);
  if (!st) throw new RuntimeError(404, `Could not find the file ${p} in container`);
  return { hostPath, st };
}

export async function archiveStat(rootfs: string, p: string): Promise<PathStat> {
  const { hostPath, st } = await resolve(rootfs, p);
  const typeBits = st.isDirectory() ? GO_MODE_DIR : st.isSymbolicLink() ? GO_MODE_SYMLINK : 0;
  return {
    name: path.posix.basename(path.posix.normalize(`/${p}`)) || '/',
    size: st.size,
    mode: (st.mode & 0o777) + typeBits,
    mtime: st.mtime.toISOString(),
    linkTarget: st.isSymbolicLink() ? await fs.promises.readlink(hostPath) : '',
  };
}

function entryOf(name: string, hostPath: string, st: fs.Stats, linkname?: string): LayerEntry {
  const type = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : st.isFIFO() ? 'fifo' : st.isCharacterDevice() ? 'char' : 'block';
  return {
    name, type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: type === 'file' ? st.size : 0, mtime: Math.floor(st.mtimeMs / 1000),
    ...(linkname !== undefined ? { linkname } : {}), ...(type === 'file' ? { source: hostPath } : {}),
  };
}

/** A tar of `p` (a directory with its content, or a single entry) named by its base name. */
export async function archiveGet(rootfs: string, p: string, out: Writable): Promise<void> {
  const { hostPath, st } = await resolve(rootfs, p);
  const base = path.posix.basename(path.posix.normalize(`/${p}`)) || '.';
  const entries: LayerEntry[] = [entryOf(base, hostPath, st, st.isSymbolicLink() ? await fs.promises.readlink(hostPath) : undefined)];
  if (st.isDirectory()) for (const e of await diffDirs(null, hostPath)) entries.push({ ...e, name: `${base}/${e.name}` });
  await writeLayer(entries, out, { compression: 'none' });
}

export interface PutOptions {
  /**
   * Owner of every extracted entry instead of the tar's (`docker cp -a` into a container whose
   * Config.User is set: that user, as dockerd's copyUIDGID). Without it the tar's owners stay.
   */
  owner?: { uid: number; gid: number };
  /** Refuse to replace a directory with a non-directory or the reverse (the docker CLI always asks: noOverwriteDirNonDir). */
  noOverwriteDirNonDir?: boolean;
}

/**
 * Extracts a (possibly gzipped) tar into the directory `p` of the rootfs, like dockerd's untar: the
 * tar's owners and modes are kept (or `owner` for every entry), and `.wh.*` names are ordinary
 * files (a copy is not a layer: no whiteout deletes anything).
 */
export async function archivePut(rootfs: string, p: string, input: Readable, opts: PutOptions = {}): Promise<void> {
  const { hostPath } = await resolveInRoot(rootfs, p, { followFinal: true });
  const st = await fs.promises.stat(hostPath).catch(() => undefined);
  if (!st) throw new RuntimeError(404, `Could not find the file ${p} in container`);
  if (!st.isDirectory()) throw invalid(`extraction point is not a directory: ${p}`);
  const shown = path.posix.normalize(`/${p}`).replace(/(.)\/+$/, '$1');
  try {
    await applyLayer(input, hostPath, {
      whiteouts: 'literal', ...(opts.owner ? { owner: opts.owner } : {}), ...(opts.noOverwriteDirNonDir ? { noOverwriteDirNonDir: { root: shown } } : {}),
    });
  } catch (e) {
    // a tar that cannot be extracted here is the request's fault
    if (e instanceof LayerError) throw invalid(`Error processing tar file: ${e.message}`);
    throw e;
  }
}

/**
 * The owner `docker cp -a` (copyUIDGID) gives what it extracts: the container's Config.User,
 * resolved in the container's own /etc/passwd and /etc/group (read as data; numeric ids need no
 * entry), or none (the tar's owners) when the container has no User — as dockerd. (dockerd 20.10
 * looks the name up on the host instead, and refuses `uid:gid`.)
 */
export async function copyOwner(rootfs: string, user: string | undefined): Promise<{ uid: number; gid: number } | undefined> {
  if (!user) return undefined;
  try {
    const u = await resolveUser(rootfs, user);
    return { uid: u.uid, gid: u.gid };
  } catch (e) {
    throw invalid(`docker cp -a: ${(e as Error).message}`);
  }
}

/** PutOptions as the file helper's argument (JSON), and back (checked). */
export function putOptionsArg(o: PutOptions): string {
  return JSON.stringify(o);
}
export function parsePutOptionsArg(arg: string | undefined): PutOptions {
  if (arg === undefined) return {};
  const o = JSON.parse(arg) as PutOptions;
  const id = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  if (o.owner !== undefined && !(id(o.owner.uid) && id(o.owner.gid))) throw invalid(`invalid owner ${JSON.stringify(o.owner)}`);
  return { owner: o.owner, noOverwriteDirNonDir: o.noOverwriteDirNonDir === true };
}

/** The whole rootfs as a tar (`docker export`). */
export async function exportRootfs(rootfs: string, out: Writable): Promise<void> {
  await writeLayer(await diffDirs(null, rootfs), out, { compression: 'none' });
}
