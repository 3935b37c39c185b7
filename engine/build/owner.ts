/**
 * Ownership of files the builder writes into a snapshot. As root: lchown. Rootless (the daemon is
 * an ordinary user whose uid is root inside the build's user namespace) a chown to other ids is
 * not permitted from outside, so files keep the daemon user's ownership (root in the container).
 * With subordinate ids the builder then gives a step's new files their owner inside the user
 * namespace (Snapshotter.own, dist/files.js) and the layer is read there, with container ids.
 * With bubblewrap's single-uid mapping (no ranges), what the daemon user owns is written as root
 * (`layerOwners`) and other owners requested by `--chown` are lost.
 */
import * as fs from 'node:fs';

export const isRoot = process.getuid?.() === 0;

export function setOwner(hostPath: string, uid: number, gid: number): void {
  if (isRoot) fs.lchownSync(hostPath, uid, gid);
}

/** Rootless: files of the daemon user are root's in the image (the user is root in the build's user namespace). */
export function layerOwners<T extends { uid: number; gid: number }>(entries: T[]): T[] {
  if (isRoot) return entries;
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  return entries.map((e) => ({ ...e, uid: e.uid === uid ? 0 : e.uid, gid: e.gid === gid ? 0 : e.gid }));
}
