// Picks the executor for this host: crun (or runc where crun cannot run) as root, bubblewrap rootless otherwise.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crunNeedsV1View, inV1View, V1_VIEW_UNSHARE_FLAGS, v1ViewAvailable, v1ViewShell } from './cgroupView';
import { inUserNamespace, subordinateIds } from './idMapping';
import { OciExecutor } from './oci';
import { probeRuntime } from './probe';
import { RootlessExecutor } from './rootless';
import type { Executor } from './types';

export type { IdMapping } from './idMapping';
export type { ExecSpec, Executor, MountSpec, PreparedProcess, ProcessSpec, ProcessUser, ResourceLimits, Rlimit, RunIO, RunResult } from './types';
export { OciExecutor } from './oci';
export { RootlessExecutor } from './rootless';
export { resolveCapabilities, normalizeCapability } from './capabilities';
export { runArgv, commandEnv, envObject, exitCodeOf } from './process';

export type RuntimeChoice = 'auto' | 'crun' | 'runc' | 'rootless';

function findBinary(name: string): string | undefined {
  for (const dir of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

const CGROUP_PARENT = '/dockwright';

/**
 * Whether crun can start containers here, and how: in the cgroup v1 view on a hybrid host with
 * cgroup2 controllers (cgroupView.ts), directly elsewhere; proven by one probe container.
 */
function crunSetup(crun: string): { v1View: boolean; reason?: string } {
  const v1View = crunNeedsV1View();
  if (v1View && !v1ViewAvailable()) return { v1View, reason: 'this hybrid cgroup host needs util-linux unshare and mount for crun' };
  const probe = probeRuntime(crun, CGROUP_PARENT, v1View ? inV1View : undefined);
  return { v1View, reason: probe.ok ? undefined : probe.reason ?? 'the probe container failed' };
}

/** crun in a user namespace with the user's subordinate ids, when the host has them and a probe container runs. */
function rootlessCrun(stateRoot: string, crun: string | undefined): { executor?: OciExecutor; reason?: string } {
  const { mapping, reason } = subordinateIds();
  if (!mapping) return { reason };
  if (!crun) return { reason: 'crun is not installed' };
  const v1View = crunNeedsV1View();
  if (v1View && !v1ViewAvailable()) return { reason: 'this hybrid cgroup host needs util-linux unshare and mount for crun' };
  const wrap = (argv: string[]) => (v1View ? inUserNamespace(mapping, v1ViewShell(argv), V1_VIEW_UNSHARE_FLAGS) : inUserNamespace(mapping, argv));
  const probe = probeRuntime(crun, undefined, wrap, true);
  if (!probe.ok) return { reason: `crun cannot run containers in a user namespace here: ${probe.reason}` };
  return { executor: new OciExecutor({ runtime: 'crun', binary: crun, stateRoot: path.join(stateRoot, 'rootless-crun'), v1View, userns: mapping }) };
}

export interface CreateExecutorOptions {
  /** hears which runtime was chosen and why */
  log?: (msg: string) => void;
  /**
   * Rootless: run containers with the user's subordinate ids (crun in a user namespace) when the
   * host has them. Only for callers whose snapshots unpack with those ids (the container runtime's).
   */
  subordinateIds?: boolean;
  /** runtime binaries instead of the ones found on the host (tests: a crun that cannot run) */
  binaries?: { crun?: string; runc?: string };
}

/**
 * The executor for `choice`. `auto` as root: crun when a probe container runs (it starts a
 * container in about half of runc's time), runc otherwise; rootless for other users.
 */
export function createExecutor(choice: RuntimeChoice, stateRoot: string, opts: CreateExecutorOptions = {}): Executor {
  const { log } = opts;
  const isRoot = process.getuid?.() === 0;
  if (choice === 'rootless' || (choice === 'auto' && !isRoot)) {
    if (opts.subordinateIds) {
      const mapped = rootlessCrun(stateRoot, opts.binaries?.crun ?? findBinary('crun'));
      if (mapped.executor) {
        const m = mapped.executor.userns!;
        log?.(`runtime: rootless-crun (crun in a user namespace: container uid 0 is uid ${m.uid}, uids 1-${m.subuid.count} are ${m.subuid.start}-${m.subuid.start + m.subuid.count - 1}, gids 1-${m.subgid.count} are ${m.subgid.start}-${m.subgid.start + m.subgid.count - 1})`);
        return mapped.executor;
      }
      log?.(`runtime: rootless with a single-uid mapping (bubblewrap): ${mapped.reason}; files in images owned by other users than root appear as nobody`);
    }
    const bwrap = findBinary('bwrap');
    const nsenter = findBinary('nsenter');
    if (!bwrap || !nsenter) throw new Error('the rootless runtime needs bubblewrap (bwrap) and util-linux nsenter');
    return new RootlessExecutor({ bwrap, nsenter });
  }
  if (!isRoot) throw new Error(`--runtime ${choice} needs root; use --runtime rootless`);
  const crun = choice !== 'runc' ? opts.binaries?.crun ?? findBinary('crun') : undefined;
  if (crun) {
    const setup = crunSetup(crun);
    if (!setup.reason) {
      log?.(`runtime: crun${setup.v1View ? ' (started in the cgroup v1 view: hybrid cgroups with controllers on cgroup2)' : ''}`);
      return new OciExecutor({ runtime: 'crun', binary: crun, stateRoot: path.join(stateRoot, 'crun'), cgroupParent: CGROUP_PARENT, v1View: setup.v1View });
    }
    if (choice === 'crun') throw new Error(`--runtime crun: crun cannot run containers on this host: ${setup.reason}`);
    log?.(`runtime: runc (crun cannot run containers here: ${setup.reason})`);
  } else if (choice === 'crun') {
    throw new Error("OCI runtime 'crun' is not installed");
  } else if (choice === 'auto') {
    log?.('runtime: runc (crun is not installed)');
  }
  const runc = opts.binaries?.runc ?? findBinary('runc');
  if (!runc) throw new Error(choice === 'runc' ? "OCI runtime 'runc' is not installed" : 'no OCI runtime: install crun or runc (or run as a non-root user for the rootless runtime)');
  if (choice === 'runc') log?.('runtime: runc');
  return new OciExecutor({ runtime: 'runc', binary: runc, stateRoot: path.join(stateRoot, 'runc'), cgroupParent: CGROUP_PARENT });
}
