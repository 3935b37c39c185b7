// `docker exec`: processes started inside a running container (runc exec / nsenter), owned by the
// daemon (they do not outlive it, as in Docker), with pipes or a PTY, resize, and the exit code.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { Duplex } from 'node:stream';
import { conflict, invalid, RuntimeError } from '../errors';
import { commandEnv, exitCodeOf } from '../executor';
import { terminalOf } from '../monitor/procTree';
import { frame, STREAM_STDERR, STREAM_STDOUT } from '../monitor/protocol';
import type { ContainerManager } from './manager';
import { mergeEnv } from './processConfig';
import { resolveUser } from '../../image/layer';

const STTY = '/bin/stty';

export interface ExecConfig {
  Cmd: string[];
  Env?: string[] | null;
  User?: string;
  WorkingDir?: string;
  Tty?: boolean;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Privileged?: boolean;
  /** [height, width] from the start request */
  ConsoleSize?: [number, number];
}

export interface ExecRecord {
  id: string;
  containerId: string;
  config: ExecConfig;
  running: boolean;
  exitCode: number | null;
  pid: number;
  child?: ChildProcess;
  /** a resize that arrived before the process had its terminal */
  pendingSize?: { height: number; width: number };
}

export class ExecManager {
  private readonly execs = new Map<string, ExecRecord>();

  constructor(private readonly containers: ContainerManager) {}

  create(containerRef: string, config: ExecConfig): string {
    const c = this.containers.get(containerRef);
    if (!c.State.Running) throw conflict(`Container ${c.Id} is not running`);
    if (c.State.Paused) throw conflict(`Container ${c.Id} is paused, unpause the container before exec`);
    this.containers.assertOwnRuntime(c, 'exec in');
    if (!config.Cmd?.length) throw invalid('No exec command specified');
    const id = randomBytes(32).toString('hex');
    this.execs.set(id, { id, containerId: c.Id, config, running: false, exitCode: null, pid: 0 });
    return id;
  }

  get(id: string): ExecRecord {
    const e = this.execs.get(id);
    if (!e) throw new RuntimeError(404, `No such exec instance: ${id}`);
    return e;
  }

  /**
   * Runs the exec process wired to `stream` (the hijacked connection): output is stdcopy-framed
   * unless Tty, client bytes go to stdin when AttachStdin. Resolves with the exit code.
   */
  async start(id: string, stream: Duplex | undefined): Promise<number> {
    const e = this.get(id);
    if (e.running || e.exitCode !== null) throw conflict(`Error: Exec command ${id} has already run`);
    const c = this.containers.get(e.containerId);
    if (!c.State.Running) throw conflict(`Container ${c.Id} is not running`);
    this.containers.assertOwnRuntime(c, 'exec in');
    const rootfs = c.Process.rootfs;
    let user;
    try {
      user = await resolveUser(rootfs, e.config.User || c.Config.User);
    } catch (err) {
      throw invalid((err as Error).message);
    }
    const cwd = e.config.WorkingDir || c.Process.cwd;
    const env = mergeEnv(c.Process.env, e.config.Env ?? [], c.Config.Hostname ?? '', user.home);
    const tty = !!e.config.Tty;
    const [height, width] = e.config.ConsoleSize ?? [0, 0];
    if (tty && height > 0 && width > 0) e.pendingSize ??= { height, width };
    const prepared = this.containers.executor.prepareExec(c.Id, {
      args: e.config.Cmd, env, cwd, user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids }, tty,
      capAdd: e.config.Privileged ? ['ALL'] : c.Process.capAdd, capDrop: c.Process.capDrop, network: c.Process.network,
      consoleSize: e.pendingSize,
    }, path.join(this.containers.dir(c.Id), 'bundle'), c.State.Pid);
    const stdinWanted = !!e.config.AttachStdin && !!stream;
    const child = spawn(prepared.argv[0], prepared.argv.slice(1), { env: commandEnv(prepared), stdio: [stdinWanted || tty ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    e.child = child;
    e.running = true;
    e.pid = child.pid ?? 0;
    if (tty) this.applyPendingSize(e, Date.now() + 3000);
    const write = (s: number, d: Buffer) => {
      if (!stream || stream.destroyed) return;
      if (s === STREAM_STDOUT && e.config.AttachStdout === false) return;
      if (s === STREAM_STDERR && e.config.AttachStderr === false) return;
      stream.write(tty ? d : frame(s, d));
    };
    child.stdout!.on('data', (d: Buffer) => write(STREAM_STDOUT, d));
    child.stderr!.on('data', (d: Buffer) => write(STREAM_STDERR, d));
    child.stdin?.on('error', () => undefined);
    if (stdinWanted && child.stdin) {
      stream!.on('data', (d: Buffer) => child.stdin!.write(d));
      stream!.once('end', () => child.stdin!.end());
      stream!.resume();
    }
    stream?.on('error', () => undefined);
    return new Promise((resolve, reject) => {
      child.once('error', (err) => {
        e.running = false;
        e.exitCode = 126;
        reject(err);
      });
      child.once('close', (code, signal) => {
        e.running = false;
        e.exitCode = exitCodeOf(code, signal);
        resolve(e.exitCode);
      });
    });
  }

  /** Sets the terminal size; one requested before the terminal exists is applied as soon as it does. */
  resize(id: string, height: number, width: number): void {
    const e = this.get(id);
    if (!e.config.Tty || !(height > 0 && width > 0)) return;
    e.pendingSize = { height, width };
    if (e.running) this.applyPendingSize(e, Date.now() + 3000);
  }

  private applyPendingSize(e: ExecRecord, deadline: number): void {
    const size = e.pendingSize;
    if (!size || !e.running || !e.child?.pid) return;
    const tty = terminalOf(e.child.pid);
    if (!tty) {
      if (Date.now() < deadline) setTimeout(() => this.applyPendingSize(e, deadline), 20).unref();
      return;
    }
    spawnSync(STTY, ['-F', tty, 'rows', String(size.height), 'cols', String(size.width)], { stdio: 'ignore' });
  }

  /** Execs of a container (for inspect's ExecIDs). */
  ofContainer(containerId: string): string[] {
    return [...this.execs.values()].filter((e) => e.containerId === containerId).map((e) => e.id);
  }

  /** Drops a finished exec (health probes) and the execs of containers that no longer exist. */
  forget(id: string): void {
    this.execs.delete(id);
    for (const e of this.execs.values()) if (!e.running && !this.containers.find(e.containerId)) this.execs.delete(e.id);
  }
}
