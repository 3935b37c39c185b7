/**
 * Ownership of files the builder writes into a snapshot. As root: lchown. Rootless (the daemon is
 * an ordinary user whose uid is root inside the build's user namespace) a chown to other ids is
 * not permitted, so files keep the daemon user's ownership (root in the container).
 * Not yet done for rootless: recording the requested owners and mapping them into the layer.
 */
import * as fs from 'node:fs';

export const isRoot = process.getuid?.() === 0;

export function setOwner(hostPath: string, uid: number, gid: number): void {
  if (isRoot) fs.lchownSync(hostPath, uid, gid);
}
