// Listening sockets: a unix socket created with mode 0600 (0660 with a group) inside a directory only
// its user (and that group) can enter, or tcp for tests.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';
import type { Logger } from './daemon';

function groupId(group: string): number {
  if (/^\d+$/.test(group)) return Number(group);
  const line = fs.readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[0] === group);
  if (!line) {
    // Also resolves NSS groups (LDAP, …) that /etc/group does not list.
    try {
      return Number(execFileSync('getent', ['group', group], { encoding: 'utf8' }).split(':')[2]);
    } catch {
      throw new Error(`group ${group} not found`);
    }
  }
  return Number(line.split(':')[2]);
}

/**
 * Prepares the socket directory: a directory we create (or one holding nothing but our socket) is made
 * 0700 (0750 with a group); a shared existing directory such as /tmp or /run is never re-moded
 * (the socket's own 0600/0660 still guards it) and we say so. Someone else's directory is refused.
 */
function prepareSocketDir(dir: string, socketName: string, log: Logger, gid?: number): void {
  const created = fs.mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined;
  const st = fs.statSync(dir);
  const uid = process.getuid?.() ?? 0;
  if (st.uid !== uid) throw new Error(`socket directory ${dir} is owned by uid ${st.uid}, not by this user (${uid})`);
  const dedicated = created || fs.readdirSync(dir).every((n) => n === socketName);
  if (!dedicated) {
    if (st.mode & 0o007) log.warn(`socket directory ${dir} is shared with other users; prefer a private directory for the API socket`);
    return;
  }
  if (gid !== undefined) {
    fs.chownSync(dir, uid, gid);
    fs.chmodSync(dir, 0o750);
  } else {
    fs.chmodSync(dir, 0o700);
  }
}

/** Listens on `unix:///…` or `tcp://host:port`; resolves with the address to print. */
export async function listen(server: http.Server, address: string, log: Logger, group?: string): Promise<{ display: string; cleanup(): void }> {
  if (address.startsWith('tcp://')) {
    const u = new URL(address);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(Number(u.port), u.hostname, () => { server.off('error', reject); resolve(); });
    });
    const a = server.address();
    const display = a && typeof a === 'object' ? `${a.address}:${a.port}` : address;
    return { display, cleanup() { /* nothing on disk */ } };
  }
  const socketPath = address.slice('unix://'.length);
  const gid = group === undefined ? undefined : groupId(group);
  prepareSocketDir(path.dirname(socketPath), path.basename(socketPath), log, gid);
  fs.rmSync(socketPath, { force: true }); // a stale socket of a previous run (we hold the data-root lock)
  const oldMask = process.umask(0o177); // the socket never exists with looser permissions
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => { server.off('error', reject); resolve(); });
    });
  } finally {
    process.umask(oldMask);
  }
  if (gid !== undefined) {
    fs.chownSync(socketPath, process.getuid?.() ?? 0, gid);
    fs.chmodSync(socketPath, 0o660);
  } else {
    fs.chmodSync(socketPath, 0o600);
  }
  return { display: socketPath, cleanup() { fs.rmSync(socketPath, { force: true }); } };
}
