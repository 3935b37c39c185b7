// OCI executor: crun or runc from a generated OCI bundle (`<stateDir>/config.json`). As root it
// manages cgroups (limits, freezer, stats); for a non-root user with subordinate ids (`userns`)
// it is crun started in a user namespace that maps container uid 0 to the user and 1..N to the
// user's range (idMapping.ts), without cgroups: like rootless podman.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inV1View, sealedRuntime, V1_VIEW_UNSHARE_FLAGS, v1ViewShell, type SealedRuntime } from './cgroupView';
import { waitFrozen } from './freezer';
import { inUserNamespace, type IdMapping } from './idMapping';
import { inPrivateNetwork, startPrivateNetwork, type PrivateNetwork } from './network';
import { generateOciSpec, ociLimits } from './ociSpec';
import { runArgv, withPty } from './process';
import { SeccompFilterCache } from './seccompCache';
import { promisify } from 'node:util';
import type { ExecSpec, Executor, PreparedProcess, ProcessSpec, ResourceLimits, RunIO, RunResult } from './types';

const execFileP = promisify(execFile);

export interface OciExecutorOptions {
  /** `crun` or `runc` */
  runtime: 'crun' | 'runc';
  /** absolute path of the runtime binary */
  binary: string;
  /** the runtime's `--root` (its state directory); one-off bundles of `run` go to `<stateRoot>/../bundles/<id>` */
  stateRoot: string;
  /** parent cgroup (cgroupfs path) for containers, e.g. `/dockwright` */
  cgroupParent?: string;
  /** start containers in the cgroup v1 view (crun on a hybrid host, see cgroupView.ts) */
  v1View?: boolean;
  /** rootless: start containers in a user namespace with this mapping (crun only; no cgroups) */
  userns?: IdMapping;
}

export class OciExecutor implements Executor {
  readonly name: string;
  readonly userns?: IdMapping;
  private readonly bundleRoot: string;
  private readonly sealed?: SealedRuntime;
  private readonly seccompFilters?: SeccompFilterCache;
  /** the cgroup freezer and the container cgroup: absent in a user namespace, which has no cgroups of its own here */
  readonly pause?: (id: string) => Promise<void>;
  readonly resume?: (id: string) => Promise<void>;
  readonly cgroupPath?: (id: string) => string;
  readonly update?: (id: string, limits: ResourceLimits) => Promise<void>;

  constructor(private readonly opts: OciExecutorOptions) {
    this.name = opts.userns ? `rootless-${opts.runtime}` : opts.runtime;
    this.userns = opts.userns;
    if (!opts.userns) {
      // crun returns while the freezer may still say FREEZING: wait for FROZEN (freezer.ts)
      this.pause = async (id) => {
        await execFileP(opts.binary, ['--root', opts.stateRoot, 'pause', id]);
        await waitFrozen(`${opts.cgroupParent ?? ''}/${id}`);
      };
      this.resume = async (id) => { await execFileP(opts.binary, ['--root', opts.stateRoot, 'resume', id]); };
      this.cgroupPath = (id) => `${opts.cgroupParent ?? ''}/${id}`;
      // docker update: the runtime writes the new limits into the container's cgroups (the resources JSON in a private temp file)
      this.update = async (id, limits) => {
        const file = path.join(this.bundleRoot, `update-${id}-${randomBytes(6).toString('hex')}.json`);
        fs.writeFileSync(file, JSON.stringify(ociLimits(limits)), { mode: 0o600 });
        try {
          await execFileP(opts.binary, ['--root', opts.stateRoot, 'update', '--resources', file, id]);
        } catch (e) {
          throw new Error(`${opts.runtime} update: ${((e as { stderr?: string }).stderr || (e as Error).message).trim()}`);
        } finally {
          fs.rmSync(file, { force: true });
        }
      };
    }
    // next to the runtime's root, not in it (the runtime takes every directory there for a container)
    this.bundleRoot = path.join(path.dirname(opts.stateRoot), 'bundles');
    fs.mkdirSync(this.bundleRoot, { recursive: true, mode: 0o700 });
    // as root in the v1 view, the runtime starts from a read-only bind of itself (cgroupView.ts)
    if (opts.v1View && !opts.userns) this.sealed = sealedRuntime(opts.binary, path.join(path.dirname(opts.stateRoot), `v1-view-${path.basename(opts.stateRoot)}`));
    if (opts.runtime === 'crun') this.seccompFilters = new SeccompFilterCache(opts.stateRoot);
    // bundles left by a daemon that was killed during `run`: their containers go, then the bundles
    for (const id of fs.readdirSync(this.bundleRoot)) void this.forget(id);
  }

  private runtime(...args: string[]): Promise<unknown> {
    return execFileP(this.opts.binary, ['--root', this.opts.stateRoot, ...args]).catch(() => undefined);
  }

  /** Deletes the one-off container `id` (`kill` first when it may still run) and removes its bundle. */
  private async forget(id: string, kill = true): Promise<void> {
    if (kill) await this.runtime('kill', id, 'KILL');
    // a `run` that ended deleted its container itself: only a killed one leaves its state dir (no
    // `delete` process on every build step then)
    if (kill || fs.existsSync(path.join(this.opts.stateRoot, id))) await this.runtime('delete', '--force', id);
    await fs.promises.rm(path.join(this.bundleRoot, id), { recursive: true, force: true });
  }

  prepare(id: string, spec: ProcessSpec, stateDir: string, net?: PrivateNetwork): PreparedProcess {
    if (spec.network === 'private' && !net) throw new Error('the private network is only for run (the builder\'s RUN)');
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    // rootless, the runtime is started inside the network's user and network namespaces instead (startCommand)
    const netnsPath = net && !this.opts.userns ? net.netnsPath : undefined;
    const config = generateOciSpec(spec, this.opts.userns ? { noCgroups: true } : { cgroupsPath: this.opts.cgroupParent ? `${this.opts.cgroupParent}/${id}` : undefined, netnsPath });
    // crun: the seccomp filter it compiled for an earlier container with the same rules (seccompCache.ts)
    const rules = config.linux.seccomp;
    const annotations = rules && this.seccompFilters?.annotationsFor(rules);
    if (rules && !annotations) this.seccompFilters?.learn(id, rules);
    const tmp = path.join(stateDir, `config.json.${process.pid}`);
    fs.writeFileSync(tmp, JSON.stringify(annotations ? { ...config, annotations } : config));
    fs.renameSync(tmp, path.join(stateDir, 'config.json'));
    const run = [this.opts.binary, '--root', this.opts.stateRoot, 'run', '--bundle', stateDir, id];
    const argv = this.startCommand(run, net);
    return {
      argv: spec.tty ? withPty(argv, { transparent: true }) : argv,
      cleanupArgv: [this.opts.binary, '--root', this.opts.stateRoot, 'delete', '--force', id],
      cleanupIfExists: path.join(this.opts.stateRoot, id),
    };
  }

  prepareExec(id: string, spec: ExecSpec, stateDir: string): PreparedProcess {
    const procFile = path.join(stateDir, `exec-${randomBytes(8).toString('hex')}.json`);
    const config = generateOciSpec({ ...spec, rootfs: '/' }).process;
    fs.writeFileSync(procFile, JSON.stringify(config));
    const argv = [this.opts.binary, '--root', this.opts.stateRoot, 'exec', '--process', procFile, id];
    return { argv: spec.tty ? withPty(argv, { transparent: true }) : argv };
  }

  /**
   * The command that starts `run`: in the cgroup v1 view where crun needs it, in the user namespace
   * when rootless (only the start: crun's later commands find the container's namespaces themselves).
   */
  private startCommand(run: string[], net?: PrivateNetwork): string[] {
    const { userns, v1View } = this.opts;
    if (!userns) return v1View ? inV1View(run, this.sealed) : run;
    // the network's holder made a user namespace with the same mapping: crun runs in it, so the
    // network namespace it owns is the container's
    if (net) return inPrivateNetwork(net, v1View ? inV1View(run, this.sealed) : run);
    return v1View ? inUserNamespace(userns, v1ViewShell(run), V1_VIEW_UNSHARE_FLAGS) : inUserNamespace(userns, run);
  }

  async run(spec: ProcessSpec, io: RunIO = {}): Promise<RunResult> {
    const id = `dw-run-${randomBytes(8).toString('hex')}`;
    // killing `runc run` alone leaves the container running (and holding our pipes): kill it too
    const onAbort = () => void this.runtime('kill', id, 'KILL').then(() => this.runtime('delete', '--force', id));
    io.signal?.addEventListener('abort', onAbort, { once: true });
    // the private network comes up while the bundle is written; the runtime starts once it is ready
    const net = spec.network === 'private' ? startPrivateNetwork({ userns: this.opts.userns }) : undefined;
    try {
      const p = this.prepare(id, spec, path.join(this.bundleRoot, id), net);
      await net?.ready;
      return await runArgv(p, io);
    } finally {
      net?.close();
      io.signal?.removeEventListener('abort', onAbort);
      await this.forget(id, false);
    }
  }
}
