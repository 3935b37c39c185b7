// Docker's container config types (the subset we honour) and our persisted record.
import type { HealthConfig } from '../../image';
import type { ProcessSpec } from '../executor';

export interface DockerContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, object>;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Healthcheck?: HealthConfig;
  Image?: string;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  StopTimeout?: number | null;
}

export interface DockerMount {
  Type: 'bind' | 'volume' | 'tmpfs';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface RestartPolicy {
  Name?: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount?: number;
}

export interface DockerHostConfig {
  Binds?: string[] | null;
  Mounts?: DockerMount[] | null;
  Tmpfs?: Record<string, string> | null;
  NetworkMode?: string;
  PortBindings?: Record<string, { HostIp?: string; HostPort?: string }[] | null> | null;
  PublishAllPorts?: boolean;
  ExtraHosts?: string[] | null;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  AutoRemove?: boolean;
  RestartPolicy?: RestartPolicy;
  ReadonlyRootfs?: boolean;
  Memory?: number;
  /** memory + swap in bytes; -1 unlimited; 0 / absent with Memory: twice Memory (dockerd's default) */
  MemorySwap?: number;
  NanoCpus?: number;
  CpuQuota?: number;
  CpuPeriod?: number;
  CpuShares?: number;
  PidsLimit?: number | null;
  Init?: boolean | null;
  /** [height, width] of the client's terminal (`-t`), sent with create */
  ConsoleSize?: [number, number] | null;
  Privileged?: boolean;
  SecurityOpt?: string[] | null;
  Dns?: string[] | null;
  LogConfig?: { Type?: string; Config?: Record<string, string> };
  [k: string]: unknown;
}

export interface HealthState {
  Status: 'starting' | 'healthy' | 'unhealthy' | 'none';
  FailingStreak: number;
  Log: { Start: string; End: string; ExitCode: number; Output: string }[];
}

export interface ContainerState {
  Status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  Health?: HealthState;
}

export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs';
  Name?: string;
  Source: string;
  Destination: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

/** What we persist in `<dataRoot>/containers/<id>/container.json`. */
export interface ContainerRecord {
  Id: string;
  /** with the leading slash, like Docker */
  Name: string;
  Created: string;
  Path: string;
  Args: string[];
  Config: DockerContainerConfig;
  HostConfig: DockerHostConfig;
  /** image id (`sha256:…`) */
  Image: string;
  State: ContainerState;
  RestartCount: number;
  Driver: string;
  Mounts: MountPoint[];
  /** the process as resolved at create time (user names, mounts) */
  Process: ProcessSpec;
  /** set by an explicit stop/kill: restart policies do not apply (Docker's HasBeenManuallyStopped) */
  ManuallyStopped?: boolean;
}
