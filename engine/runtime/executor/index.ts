// Picks the executor for this host: crun/runc as root, bubblewrap rootless otherwise.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OciExecutor } from './oci';
import { RootlessExecutor } from './rootless';
import type { Executor } from './types';

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

/**
 * crun refuses hybrid hosts whose cgroup2 mount has controllers enabled ("cgroups in hybrid mode
 * not supported, drop all controllers from cgroupv2") — even as root. runc handles them.
 */
export function crunUsable(): boolean {
  try {
    const v2 = fs.readFileSync('/sys/fs/cgroup/unified/cgroup.controllers', 'utf8').trim();
    return v2 === '';
  } catch {
    return true;
  }
}

/** The executor for `choice`; `auto` = crun (if usable) or runc as root, rootless otherwise. */
export function createExecutor(choice: RuntimeChoice, stateRoot: string): Executor {
  const isRoot = process.getuid?.() === 0;
  let kind = choice;
  if (kind === 'auto') kind = !isRoot ? 'rootless' : findBinary('crun') && crunUsable() ? 'crun' : findBinary('runc') ? 'runc' : 'crun';
  if (kind === 'rootless') {
    const bwrap = findBinary('bwrap');
    const nsenter = findBinary('nsenter');
    if (!bwrap || !nsenter) throw new Error('the rootless runtime needs bubblewrap (bwrap) and util-linux nsenter');
    return new RootlessExecutor({ bwrap, nsenter });
  }
  if (!isRoot) throw new Error(`--runtime ${kind} needs root; use --runtime rootless`);
  const binary = findBinary(kind);
  if (!binary) throw new Error(`OCI runtime '${kind}' is not installed`);
  return new OciExecutor({ runtime: kind, binary, stateRoot: path.join(stateRoot, kind), cgroupParent: '/dockwright' });
}
