// The executor contract: run one process in a prepared root filesystem, isolated by namespaces.
// Used one-shot by the builder (RUN steps) and, through the per-container monitor, for containers.
import type { Readable, Writable } from 'node:stream';
import type { IdMapping } from './idMapping';

/** A mount inside the container. `bind` needs `source`; `tmpfs` ignores it. */
export interface MountSpec {
  type: 'bind' | 'tmpfs';
  source?: string;
  target: string;
  readonly?: boolean;
  /** Extra mount options, e.g. `size=64m`, `mode=1777`, `noexec`. */
  options?: string[];
}

export interface ProcessUser {
  uid: number;
  gid: number;
  additionalGids?: number[];
}

export interface Rlimit {
  /** e.g. `RLIMIT_NOFILE` */
  type: string;
  soft: number;
  hard: number;
}

export interface ResourceLimits {
  /** bytes */
  memory?: number;
  /** memory + swap in bytes (OCI memory.swap); -1 unlimited */
  memorySwap?: number;
  /** CFS quota/period in microseconds */
  cpuQuota?: number;
  cpuPeriod?: number;
  cpuShares?: number;
  pidsLimit?: number;
}

/** Everything that defines the isolated process. Paths in `mounts[].source` and `rootfs` are host paths. */
export interface ProcessSpec {
  rootfs: string;
  args: string[];
  /** `KEY=value` entries */
  env: string[];
  /** absolute path inside the rootfs */
  cwd: string;
  user: ProcessUser;
  mounts?: MountSpec[];
  /**
   * `none`: a network namespace with only loopback; `host`: the host's; `private`: a namespace of
   * its own with outbound access through slirp4netns and no way to the host's loopback
   * (network.ts; only for `run`, the builder's RUN).
   */
  network: 'none' | 'host' | 'private';
  hostname?: string;
  readonlyRootfs?: boolean;
  /** capability names with or without the `CAP_` prefix; `ALL` is accepted */
  capAdd?: string[];
  capDrop?: string[];
  /** the default seccomp filter (seccomp.ts) unless `unconfined` (--privileged, `--security-opt seccomp=unconfined`) */
  seccomp?: 'default' | 'unconfined';
  /** `--security-opt no-new-privileges`: setuid binaries and file capabilities grant nothing */
  noNewPrivileges?: boolean;
  rlimits?: Rlimit[];
  /** allocate a terminal for the process (stdin/stdout are then one PTY stream) */
  tty?: boolean;
  /** initial terminal size */
  consoleSize?: { height: number; width: number };
  resources?: ResourceLimits;
}

export interface RunIO {
  /** piped to the process stdin; omitted = /dev/null */
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /** aborting kills the process (SIGKILL) */
  signal?: AbortSignal;
}

export interface RunResult {
  /** the process exit code; 128+N when killed by signal N (like a shell) */
  exitCode: number;
}

/**
 * A command line that starts the isolated process in the foreground (used by the monitor, which
 * owns its stdio). `cleanup` removes runtime state after the process exited.
 */
export interface PreparedProcess {
  argv: string[];
  /** environment for the command itself (merged over a minimal PATH unless `cleanEnv`) */
  env?: NodeJS.ProcessEnv;
  /** use exactly `env` (the command passes its environment on to the container process) */
  cleanEnv?: boolean;
  /** removes leftover runtime state for the id (after a crash) */
  cleanupArgv?: string[];
  /** run `cleanupArgv` only when this path exists (the runtime's state of the id; a clean exit removed it) */
  cleanupIfExists?: string;
}

/** What `exec` runs inside an existing container. */
export type ExecSpec = Pick<ProcessSpec, 'args' | 'env' | 'cwd' | 'user' | 'tty' | 'capAdd' | 'capDrop' | 'network' | 'consoleSize'>;

export interface Executor {
  /** `crun`, `runc`, `rootless` (bubblewrap, single-uid mapping) or `rootless-crun` (crun in a user namespace with subordinate ids) */
  readonly name: string;
  /** rootless with subordinate ids: the mapping the containers run under (files on disk carry the mapped host ids) */
  readonly userns?: IdMapping;
  /** Runs the process to completion (the builder's RUN). */
  run(spec: ProcessSpec, io?: RunIO): Promise<RunResult>;
  /**
   * Writes whatever the runtime needs into `stateDir` (a private, empty-or-reused directory) and
   * returns the foreground command for `id`. The caller spawns it with its own stdio.
   */
  prepare(id: string, spec: ProcessSpec, stateDir: string): PreparedProcess;
  /** Command line that runs `spec.args` inside the running container `id` whose pid 1 is `containerPid` (exec). */
  prepareExec(id: string, spec: ExecSpec, stateDir: string, containerPid: number): PreparedProcess;
  /** Freezes / thaws container `id` (cgroup freezer); absent when the executor has no cgroups. */
  pause?(id: string): Promise<void>;
  resume?(id: string): Promise<void>;
  /** The container's cgroup (v1 path below each controller's mount), for stats; absent without cgroups. */
  cgroupPath?(id: string): string;
  /** Sets the cgroup limits of running container `id` (docker update); absent without cgroups. */
  update?(id: string, limits: ResourceLimits): Promise<void>;
}
