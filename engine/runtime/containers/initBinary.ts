// The init process of `docker run --init` (HostConfig.Init): like dockerd, the host's docker-init
// (tini) bind-mounted read-only at /sbin/docker-init and started as `/sbin/docker-init -- <command>`,
// so the command gets a PID 1 that forwards signals and reaps zombies. The binary is found by
// absolute path on the host, never through a PATH inside the container, and must be statically
// linked: it runs inside the container's filesystem, where the host's libraries are not.
import * as fs from 'node:fs';

/** Where the init binary appears inside the container (dockerd's path). */
export const INIT_TARGET = '/sbin/docker-init';

/** Host paths tried in order: docker.io's docker-init (a link to tini-static on Debian), then tini-static itself. */
export const INIT_CANDIDATES = ['/usr/bin/docker-init', '/usr/sbin/docker-init', '/usr/libexec/docker/docker-init', '/usr/bin/tini-static', '/usr/sbin/tini-static'];

const PT_INTERP = 3;

/** True for an ELF executable without a program interpreter (statically linked). */
export function isStaticElf(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(64);
    if (fs.readSync(fd, head, 0, 64, 0) < 52 || head.readUInt32BE(0) !== 0x7f454c46) return false;
    const is64 = head[4] === 2;
    const le = head[5] === 1;
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const phoff = is64 ? Number(le ? head.readBigUInt64LE(32) : head.readBigUInt64BE(32)) : u32(head, 28);
    const phentsize = u16(head, is64 ? 54 : 42);
    const phnum = u16(head, is64 ? 56 : 44);
    if (phnum === 0 || phentsize < 4 || phnum > 4096) return false;
    const table = Buffer.alloc(phentsize * phnum);
    if (fs.readSync(fd, table, 0, table.length, phoff) !== table.length) return false;
    for (let i = 0; i < phnum; i++) if (u32(table, i * phentsize) === PT_INTERP) return false;
    return true;
  } finally {
    fs.closeSync(fd);
  }
}

let found: string | null | undefined;

/**
 * The real path of the first candidate that is a static executable (looked up once per process);
 * undefined when the host has none.
 */
export function findInitBinary(candidates = INIT_CANDIDATES): string | undefined {
  if (candidates === INIT_CANDIDATES && found !== undefined) return found ?? undefined;
  let result: string | undefined;
  for (const c of candidates) {
    let real: string;
    try {
      real = fs.realpathSync(c);
    } catch {
      continue;
    }
    const st = fs.statSync(real);
    if (st.isFile() && (st.mode & 0o111) !== 0 && isStaticElf(real)) {
      result = real;
      break;
    }
  }
  if (candidates === INIT_CANDIDATES) found = result ?? null;
  return result;
}
