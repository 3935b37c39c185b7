// Root executor: crun or runc from a generated OCI bundle (`<stateDir>/config.json`).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inV1View } from './cgroupView';
import { generateOciSpec } from './ociSpec';
import { runArgv, withPty } from './process';
import { promisify } from 'node:util';
import type { ExecSpec, Executor, PreparedProcess, ProcessSpec, RunIO, RunResult } from './types';

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
}

export class OciExecutor implements Executor {
  readonly name: string;
  private readonly bundleRoot: string;

  constructor(private readonly opts: OciExecutorOptions) {
    this.name = opts.runtime;
    // next to the runtime's root, not in it (the runtime takes every directory there for a container)
    this.bundleRoot = path.join(path.dirname(opts.stateRoot), 'bundles');
    fs.mkdirSync(this.bundleRoot, { recursive: true, mode: 0o700 });
    // bundles left by a daemon that was killed during `run`: their containers go, then the bundles
    for (const id of fs.readdirSync(this.bundleRoot)) void this.forget(id);
  }

  private runtime(...args: string[]): Promise<unknown> {
    return execFileP(this.opts.binary, ['--root', this.opts.stateRoot, ...args]).catch(() => undefined);
  }

  /** Deletes the one-off container `id` (`kill` first when it may still run) and removes its bundle. */
  private async forget(id: string, kill = true): Promise<void> {
    if (kill) await this.runtime('kill', id, 'KILL');
    await this.runtime('delete', '--force', id);
    await fs.promises.rm(path.join(this.bundleRoot, id), { recursive: true, force: true });
  }

  prepare(id: string, spec: ProcessSpec, stateDir: string): PreparedProcess {
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const config = generateOciSpec(spec, { cgroupsPath: this.opts.cgroupParent ? `${this.opts.cgroupParent}/${id}` : undefined });
    const tmp = path.join(stateDir, `config.json.${process.pid}`);
    fs.writeFileSync(tmp, JSON.stringify(config));
    fs.renameSync(tmp, path.join(stateDir, 'config.json'));
    const run = [this.opts.binary, '--root', this.opts.stateRoot, 'run', '--bundle', stateDir, id];
    const argv = this.opts.v1View ? inV1View(run) : run;
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

  async pause(id: string): Promise<void> {
    await execFileP(this.opts.binary, ['--root', this.opts.stateRoot, 'pause', id]);
  }

  async resume(id: string): Promise<void> {
    await execFileP(this.opts.binary, ['--root', this.opts.stateRoot, 'resume', id]);
  }

  cgroupPath(id: string): string {
    return `${this.opts.cgroupParent ?? ''}/${id}`;
  }

  async run(spec: ProcessSpec, io: RunIO = {}): Promise<RunResult> {
    const id = `dw-run-${randomBytes(8).toString('hex')}`;
    // killing `runc run` alone leaves the container running (and holding our pipes): kill it too
    const onAbort = () => void this.runtime('kill', id, 'KILL').then(() => this.runtime('delete', '--force', id));
    io.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const p = this.prepare(id, spec, path.join(this.bundleRoot, id));
      return await runArgv(p, io);
    } finally {
      io.signal?.removeEventListener('abort', onAbort);
      await this.forget(id, false);
    }
  }
}
