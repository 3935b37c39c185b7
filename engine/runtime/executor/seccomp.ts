// The default seccomp filter: the system calls Docker's default profile refuses, refused here too
// (EPERM), each unless the container holds the capability that Docker's profile lets it through
// with. Docker's profile is an allow-list of ~370 calls; this is the matching deny-list (its
// complement among the calls a container can make), so a call a newer kernel adds is allowed here
// and refused there. What it adds to the capabilities: no new user or other namespaces
// (unshare, clone/clone3 with namespace flags), no kernel keyrings, no bpf, perf_event_open,
// userfaultfd, kernel modules, kexec, or the legacy calls Docker drops. --privileged runs without
// it, like Docker; `--security-opt seccomp=unconfined` turns it off.
import { constants } from 'node:os';

type Rule = { names: string[]; unlessCap?: string };

const RULES: Rule[] = [
  // refused whatever the capabilities (Docker's profile never allows them)
  { names: ['add_key', 'keyctl', 'request_key', 'kexec_load', 'kexec_file_load', 'create_module', 'get_kernel_syms', 'query_module',
    'nfsservctl', 'uselib', 'ustat', 'sysfs', '_sysctl', 'vm86', 'vm86old', 'userfaultfd', 'lookup_dcookie',
    'afs_syscall', 'getpmsg', 'putpmsg', 'tuxcall', 'security', 'vserver'] },
  { unlessCap: 'CAP_SYS_ADMIN', names: ['unshare', 'setns', 'mount', 'mount_setattr', 'move_mount', 'open_tree', 'fsopen', 'fsconfig',
    'fsmount', 'fspick', 'umount', 'umount2', 'pivot_root', 'name_to_handle_at', 'fanotify_init', 'quotactl', 'quotactl_fd',
    'setdomainname', 'sethostname', 'swapon', 'swapoff'] },
  { unlessCap: 'CAP_SYSLOG', names: ['syslog'] },
  { unlessCap: 'CAP_BPF', names: ['bpf'] },
  { unlessCap: 'CAP_PERFMON', names: ['perf_event_open'] },
  { unlessCap: 'CAP_DAC_READ_SEARCH', names: ['open_by_handle_at'] },
  { unlessCap: 'CAP_SYS_BOOT', names: ['reboot'] },
  { unlessCap: 'CAP_SYS_MODULE', names: ['init_module', 'finit_module', 'delete_module'] },
  { unlessCap: 'CAP_SYS_PACCT', names: ['acct'] },
  { unlessCap: 'CAP_SYS_PTRACE', names: ['kcmp', 'pidfd_getfd', 'process_madvise', 'process_vm_readv', 'process_vm_writev'] },
  { unlessCap: 'CAP_SYS_RAWIO', names: ['iopl', 'ioperm'] },
  { unlessCap: 'CAP_SYS_TIME', names: ['settimeofday', 'stime', 'clock_settime', 'clock_settime64', 'clock_adjtime', 'clock_adjtime64', 'adjtimex'] },
  { unlessCap: 'CAP_SYS_TTY_CONFIG', names: ['vhangup'] },
  { unlessCap: 'CAP_SYS_NICE', names: ['get_mempolicy', 'mbind', 'set_mempolicy', 'set_mempolicy_home_node', 'move_pages', 'migrate_pages'] },
];

/** clone(2) flags that make namespaces: refused without CAP_SYS_ADMIN, as in Docker's profile */
const NAMESPACE_FLAGS = [0x00020000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000, 0x02000000]; // NEWNS UTS IPC USER PID NET CGROUP

const ARCHITECTURES: Record<string, string[]> = {
  x64: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
  arm64: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'],
};

export interface OciSeccomp {
  defaultAction: string;
  architectures?: string[];
  syscalls: { names: string[]; action: string; errnoRet?: number; args?: { index: number; value: number; valueTwo?: number; op: string }[] }[];
}

/** The default filter for a process with the capability set `caps` (OCI `linux.seccomp`). */
export function defaultSeccomp(caps: string[]): OciSeccomp {
  const has = new Set(caps);
  const deny = (names: string[], errno = constants.errno.EPERM) => ({ names, action: 'SCMP_ACT_ERRNO', errnoRet: errno });
  const syscalls: OciSeccomp['syscalls'] = RULES.filter((r) => !r.unlessCap || !has.has(r.unlessCap)).map((r) => deny(r.names));
  if (!has.has('CAP_SYS_ADMIN')) {
    // clone's flags are its first argument (x86_64, arm64); clone3 passes them in memory a filter
    // cannot read, so it answers ENOSYS and libc falls back to clone, as with Docker's profile
    for (const flag of NAMESPACE_FLAGS) syscalls.push({ ...deny(['clone']), args: [{ index: 0, value: flag, valueTwo: flag, op: 'SCMP_CMP_MASKED_EQ' }] });
    syscalls.push(deny(['clone3'], constants.errno.ENOSYS));
  }
  const architectures = ARCHITECTURES[process.arch];
  return { defaultAction: 'SCMP_ACT_ALLOW', ...(architectures ? { architectures } : {}), syscalls };
}
