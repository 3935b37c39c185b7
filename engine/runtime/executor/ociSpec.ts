// Generates an OCI runtime spec (config.json) for crun/runc from a ProcessSpec, with Docker's defaults:
// private pid/ipc/uts/mount namespaces, a network namespace unless `host`, masked and read-only
// /proc paths, the standard device allow-list, the default seccomp filter, and cgroup limits.
import { resolveCapabilities } from './capabilities';
import { defaultSeccomp } from './seccomp';
import type { MountSpec, ProcessSpec, ResourceLimits } from './types';

const MASKED_PATHS = ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'];
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** c major:minor rwm rules that Docker allows by default (null, zero, full, tty, random, urandom, console, ptmx, pts). */
const ALLOWED_DEVICES: [number, number | null][] = [[1, 3], [1, 5], [1, 7], [1, 8], [1, 9], [5, 0], [5, 1], [5, 2], [136, null], [10, 200]];

function ociMount(m: MountSpec) {
  if (m.type === 'tmpfs') {
    return { destination: m.target, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', ...(m.readonly ? ['ro'] : []), ...(m.options ?? ['mode=1777'])] };
  }
  if (!m.source) throw new Error(`bind mount for ${m.target} has no source`);
  return { destination: m.target, type: 'bind', source: m.source, options: ['rbind', m.readonly ? 'ro' : 'rw', 'rprivate', ...(m.options ?? [])] };
}

export interface OciSpecOptions {
  /** cgroup path for the container; omitted = let the runtime choose */
  cgroupsPath?: string;
  /** the runtime runs in a user namespace without cgroups: no `linux.resources` (limits, device rules) at all */
  noCgroups?: boolean;
  /**
   * `network: private`: the namespace to join (`/proc/<holder>/ns/net`, network.ts); omitted = the
   * runtime is started inside it already (rootless, where it joins the holder's user namespace too)
   */
  netnsPath?: string;
}

/** The memory, cpu and pids parts of the spec's `linux.resources` (also what `crun/runc update --resources` reads). */
export function ociLimits(r: ResourceLimits): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (r.memory) out.memory = { limit: r.memory, ...(r.memorySwap ? { swap: r.memorySwap } : {}) };
  if (r.cpuQuota || r.cpuShares) out.cpu = { ...(r.cpuQuota ? { quota: r.cpuQuota, period: r.cpuPeriod ?? 100000 } : {}), ...(r.cpuShares ? { shares: r.cpuShares } : {}) };
  if (r.pidsLimit) out.pids = { limit: r.pidsLimit };
  return out;
}

export function generateOciSpec(spec: ProcessSpec, opts: OciSpecOptions = {}) {
  const caps = resolveCapabilities(spec.capAdd, spec.capDrop);
  const privileged = caps.length > 30;
  const namespaces: { type: string; path?: string }[] = [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];
  if (spec.network === 'none') namespaces.push({ type: 'network' });
  if (spec.network === 'private' && opts.netnsPath) namespaces.push({ type: 'network', path: opts.netnsPath });
  const r = spec.resources ?? {};
  const resources: Record<string, unknown> = {
    devices: [{ allow: false, access: 'rwm' }, ...ALLOWED_DEVICES.map(([major, minor]) => ({ allow: true, type: 'c', major, ...(minor === null ? {} : { minor }), access: 'rwm' }))],
  };
  Object.assign(resources, ociLimits(r));
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: !!spec.tty,
      ...(spec.tty && spec.consoleSize?.height && spec.consoleSize.width ? { consoleSize: spec.consoleSize } : {}),
      user: { uid: spec.user.uid, gid: spec.user.gid, ...(spec.user.additionalGids?.length ? { additionalGids: spec.user.additionalGids } : {}) },
      args: spec.args,
      env: spec.env,
      cwd: spec.cwd,
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      // no rlimits by default: the process inherits the engine's (like dockerd's), which may be capped
      rlimits: spec.rlimits ?? [],
      noNewPrivileges: !!spec.noNewPrivileges,
      oomScoreAdj: 0,
    },
    root: { path: spec.rootfs, readonly: !!spec.readonlyRootfs },
    hostname: spec.network === 'host' ? undefined : spec.hostname,
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      spec.network === 'host'
        ? { destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] }
        : { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      ...(spec.mounts ?? []).map(ociMount),
    ],
    linux: {
      namespaces,
      ...(spec.seccomp === 'unconfined' ? {} : { seccomp: defaultSeccomp(caps) }),
      ...(opts.cgroupsPath ? { cgroupsPath: opts.cgroupsPath } : {}),
      ...(opts.noCgroups ? {} : { resources }),
      maskedPaths: privileged ? [] : MASKED_PATHS,
      readonlyPaths: privileged ? [] : READONLY_PATHS,
    },
  };
}
