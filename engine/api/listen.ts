// Listening sockets: a unix socket created with mode 0600 (0660 with a group) inside a directory only
// its user (and that group) can enter, or tcp for tests.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';

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

/** Prepares the socket directory: created 0700 (0750 with a group), refused if it is someone else's. */
function prepareSocketDir(dir: string, gid?: number): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.statSync(dir);
  const uid = process.getuid?.() ?? 0;
  if (st.uid !== uid) throw new Error(`socket directory ${dir} is owned by uid ${st.uid}, not by this user (${uid})`);
  if (gid !== undefined) {
    fs.chownSync(dir, uid, gid);
    fs.chmodSync(dir, 0o750);
  } else {
    fs.chmodSync(dir, 0o700);
  }
}

/** Listens on `unix:///…` or `tcp://host:port`; resolves with the address to print. */
export async function listen(server: http.Server, address: string, group?: string): Promise<{ display: string; cleanup(): void }> {
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
  prepareSocketDir(path.dirname(socketPath), gid);
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
