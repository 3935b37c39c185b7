// Docker's default capability set and the CapAdd/CapDrop arithmetic (moby oci/caps).
import * as fs from 'node:fs';

/** every capability, in the kernel's order (CAP_CHOWN = 0 … CAP_CHECKPOINT_RESTORE = 40) */
export const ALL_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW',
  'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD',
  'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** `net_admin` → `CAP_NET_ADMIN`; throws on unknown names. */
export function normalizeCapability(name: string): string {
  const up = name.toUpperCase();
  if (up === 'ALL') return up;
  const cap = up.startsWith('CAP_') ? up : `CAP_${up}`;
  if (!ALL_CAPABILITIES.includes(cap)) throw new Error(`unknown capability: "${name}"`);
  return cap;
}

let available: string[] | undefined;

/**
 * `ALL` (--privileged, `--cap-add ALL`): the capabilities of the daemon's own bounding set, like
 * dockerd's — a runtime cannot grant one the daemon lacks (a container or sandbox without
 * CAP_SYS_RESOURCE, say), and asking for it fails every privileged container with EPERM.
 */
function availableCapabilities(): string[] {
  if (!available) {
    let bounding = -1n;
    try {
      const line = /^CapBnd:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
      if (line) bounding = BigInt(`0x${line[1]}`);
    } catch { /* not Linux: all */ }
    // ALL_CAPABILITIES is in the kernel's numbering: index = capability number
    available = ALL_CAPABILITIES.filter((_, i) => bounding < 0n || (bounding >> BigInt(i)) & 1n);
  }
  return available;
}

/**
 * The effective capability list: Docker's defaults (or all, for `CapAdd: [ALL]`) plus `add` minus `drop`;
 * `CapDrop: [ALL]` starts from nothing and keeps only what `add` names.
 */
export function resolveCapabilities(add: string[] = [], drop: string[] = []): string[] {
  const a = add.map(normalizeCapability);
  const d = drop.map(normalizeCapability);
  const base = d.includes('ALL') ? [] : a.includes('ALL') ? availableCapabilities() : DEFAULT_CAPABILITIES;
  const added = a.includes('ALL') && !d.includes('ALL') ? [] : a.filter((c) => c !== 'ALL');
  const caps = new Set([...base, ...added]);
  if (!d.includes('ALL')) for (const c of d) caps.delete(c);
  return ALL_CAPABILITIES.filter((c) => caps.has(c));
}
