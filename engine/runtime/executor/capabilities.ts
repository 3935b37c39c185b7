// Docker's default capability set and the CapAdd/CapDrop arithmetic (moby oci/caps).

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

/**
 * The effective capability list: Docker's defaults (or all, for `CapAdd: [ALL]`) plus `add` minus `drop`;
 * `CapDrop: [ALL]` starts from nothing and keeps only what `add` names.
 */
export function resolveCapabilities(add: string[] = [], drop: string[] = []): string[] {
  const a = add.map(normalizeCapability);
  const d = drop.map(normalizeCapability);
  const base = d.includes('ALL') ? [] : a.includes('ALL') ? ALL_CAPABILITIES : DEFAULT_CAPABILITIES;
  const added = a.includes('ALL') && !d.includes('ALL') ? [] : a.filter((c) => c !== 'ALL');
  const caps = new Set([...base, ...added]);
  if (!d.includes('ALL')) for (const c of d) caps.delete(c);
  return ALL_CAPABILITIES.filter((c) => caps.has(c));
}
