// Rootless executor built on bubblewrap.
//
// Why bubblewrap and not crun/runc or a hand-made unshare/nsenter script: rootless crun and runc
// insist on cgroups and fail on hybrid cgroup hosts like this one ("cgroups in hybrid mode not
// supported"); bubblewrap never touches cgroups, needs no setuid bit (it uses an unprivileged user
// namespace), and does the whole container setup in one exec of a small, widely audited binary:
// bind the rootfs as the new root (pivot_root), fresh /proc and /dev, tmpfs and bind mounts,
// hostname, optional network namespace, uid/gid inside the namespace, capability bounding set,
// working dir and a clean environment — with no shell script running between namespace setup
// and the container's process.
//
// Mapping: a single-uid mapping (the calling user becomes `user.uid` inside). Files the user owns
// appear owned by that uid; everything else appears as the overflow uid (nobody). Supplementary
// groups cannot be mapped in this mode and are ignored. No cgroups: resource limits, stats and
// pause are unavailable in rootless mode (the API says so instead of pretending).
import { resolveCapabilities } from './capabilities';
import { inPrivateNetwork, startPrivateNetwork, type PrivateNetwork } from './network';
import { envObject, runArgv, withPty } from './process';
import type { ExecSpec, Executor, PreparedProcess, ProcessSpec, RunIO, RunResult } from './types';

export interface RootlessExecutorOptions {
  /** absolute path of bwrap */
  bwrap: string;
  /** absolute path of util-linux nsenter (for exec) */
  nsenter: string;
}

export class RootlessExecutor implements Executor {
  readonly name = 'rootless';
  constructor(private readonly opts: RootlessExecutorOptions) {}

  /** The bwrap command line for `spec`. Exported for tests through `prepare`. */
  private argv(spec: ProcessSpec, net?: PrivateNetwork): string[] {
    if (spec.network === 'private' && !net) throw new Error('the private network is only for run (the builder\'s RUN)');
    // private network: bwrap runs in the holder's user and network namespaces (network.ts) and
    // nests its own user namespace in them, so the process has that network and its own uid
    const a = [...(net ? inPrivateNetwork(net, []) : []), this.opts.bwrap, '--unshare-user', '--uid', String(spec.user.uid), '--gid', String(spec.user.gid),
      '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--as-pid-1', '--die-with-parent'];
    if (spec.network === 'none') a.push('--unshare-net');
    if (spec.hostname && spec.network !== 'host') a.push('--hostname', spec.hostname);
    a.push(spec.readonlyRootfs ? '--ro-bind' : '--bind', spec.rootfs, '/');
    a.push('--proc', '/proc', '--dev', '/dev', '--ro-bind', '/sys', '/sys');
    for (const m of spec.mounts ?? []) {
      if (m.type === 'tmpfs') {
        const size = m.options?.find((o) => o.startsWith('size='));
        const mode = m.options?.find((o) => o.startsWith('mode='));
        a.push('--perms', mode ? mode.slice(5) : '1777');
        if (size) a.push('--size', String(parseSize(size.slice(5))));
        a.push('--tmpfs', m.target);
        if (m.readonly) a.push('--remount-ro', m.target);
      } else {
        if (!m.source) throw new Error(`bind mount for ${m.target} has no source`);
        a.push(m.readonly ? '--ro-bind' : '--bind', m.source, m.target);
      }
    }
    // Capabilities only exist for uid 0 inside the namespace; bwrap drops all of them otherwise.
    if (spec.user.uid === 0) {
      a.push('--cap-drop', 'ALL');
      for (const c of resolveCapabilities(spec.capAdd, spec.capDrop)) a.push('--cap-add', c);
    }
    a.push('--chdir', spec.cwd, '--clearenv');
    for (const e of spec.env) {
      const i = e.indexOf('=');
      if (i > 0) a.push('--setenv', e.slice(0, i), e.slice(i + 1));
    }
    a.push('--', ...spec.args);
    return a;
  }

  prepare(_id: string, spec: ProcessSpec, _stateDir: string): PreparedProcess {
    const argv = this.argv(spec);
    return { argv: spec.tty ? withPty(argv) : argv };
  }

  prepareExec(_id: string, spec: ExecSpec, _stateDir: string, containerPid: number): PreparedProcess {
    // Join every namespace of the container's pid 1 and its root, keeping our credentials through the
    // user namespace join: the calling user is the only mapped uid, i.e. the container's user.
    // nsenter hands its own environment to the process, so the container env is the command's env.
    // a host-network container shares the host's network namespace, which we may not (and need not) join
    const argv = [this.opts.nsenter, '-t', String(containerPid), '--user', '--mount', '--pid', '--uts', '--ipc', ...(spec.network === 'none' ? ['--net'] : []),
      '--root', `--wd=${spec.cwd}`, '--preserve-credentials', ...spec.args];
    return { argv: spec.tty ? withPty(argv) : argv, env: envObject(spec.env), cleanEnv: true };
  }

  async run(spec: ProcessSpec, io: RunIO = {}): Promise<RunResult> {
    const net = spec.network === 'private' ? startPrivateNetwork({ userns: 'single' }) : undefined;
    try {
      const argv = this.argv(spec, net);
      await net?.ready;
      return await runArgv({ argv: spec.tty ? withPty(argv) : argv }, io);
    } finally {
      net?.close();
    }
  }
}

function parseSize(s: string): number {
  const m = /^(\d+)([kmg]?)$/i.exec(s);
  if (!m) throw new Error(`invalid tmpfs size: ${s}`);
  return Number(m[1]) * ({ '': 1, k: 1024, m: 1 << 20, g: 1 << 30 } as Record<string, number>)[m[2].toLowerCase()];
}

