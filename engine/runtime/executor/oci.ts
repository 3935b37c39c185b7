// Root executor: crun or runc from a generated OCI bundle (`<stateDir>/config.json`).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
  /** the runtime's `--root` (its state directory) */
  stateRoot: string;
  /** parent cgroup (cgroupfs path) for containers, e.g. `/dockwright` */
  cgroupParent?: string;
}

export class OciExecutor implements Executor {
  readonly name: string;
  constructor(private readonly opts: OciExecutorOptions) {
    this.name = opts.runtime;
    fs.mkdirSync(opts.stateRoot, { recursive: true, mode: 0o700 });
  }

  prepare(id: string, spec: ProcessSpec, stateDir: string): PreparedProcess {
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const config = generateOciSpec(spec, { cgroupsPath: this.opts.cgroupParent ? `${this.opts.cgroupParent}/${id}` : undefined });
    const tmp = path.join(stateDir, `config.json.${process.pid}`);
    fs.writeFileSync(tmp, JSON.stringify(config));
    fs.renameSync(tmp, path.join(stateDir, 'config.json'));
    const argv = [this.opts.binary, '--root', this.opts.stateRoot, 'run', '--bundle', stateDir, id];
    return { argv: spec.tty ? withPty(argv, { transparent: true }) : argv, cleanupArgv: [this.opts.binary, '--root', this.opts.stateRoot, 'delete', '--force', id] };
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
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bundle-'));
    try {
      const p = this.prepare(id, spec, stateDir);
      return await runArgv(p, io);
    } finally {
      await runArgv({ argv: [this.opts.binary, '--root', this.opts.stateRoot, 'delete', '--force', id] }).catch(() => undefined);
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  }
}
