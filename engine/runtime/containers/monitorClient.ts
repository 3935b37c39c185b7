// The daemon's side of the monitor protocol (../monitor/protocol.ts): start a monitor, connect to it.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { FILES, socketPath, spareSocketPath, type ExitStatus, type MonitorConfig, type Request } from '../monitor/protocol';
import { alive } from '../monitor/procTree';
import { nodeEntryCommand } from '../nodeEntry';

/** The command that runs the monitor (dist/monitor.js). */
export function defaultMonitorCommand(): string[] {
  return nodeEntryCommand('monitor.js', 'engine/runtime/monitor/main.ts');
}

/** Reads `stream` line by line: each call resolves with the next line. */
function lineReader(stream: NodeJS.ReadableStream): () => Promise<string> {
  let buf = '';
  let ended = false;
  let waiting: { resolve: (l: string) => void; reject: (e: Error) => void } | undefined;
  const next = () => {
    if (!waiting) return;
    const i = buf.indexOf('\n');
    if (i >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiting;
      waiting = undefined;
      w.resolve(line);
    } else if (ended) {
      const w = waiting;
      waiting = undefined;
      w.reject(new Error('monitor exited during startup'));
    }
  };
  stream.on('data', (c: Buffer) => { buf += c.toString(); next(); });
  stream.once('end', () => { ended = true; next(); });
  stream.once('error', () => { ended = true; next(); });
  return () => new Promise((resolve, reject) => { waiting = { resolve, reject }; next(); });
}

/** how long after a start the next spare monitor is started */
const PRESTART_DELAY_MS = 30;

/**
 * Starts monitors. Node's startup (tens of ms) would sit on every container start, so one spare
 * monitor is kept started ahead of time, listening on its own socket (spareSocketPath) and waiting on its
 * stdin for a container (a spare whose daemon goes away sees the end of stdin and exits).
 * `logFile` gets the monitors' stderr.
 */
export class MonitorLauncher {
  private spare?: { child: ChildProcess; socket: string; lines: () => Promise<string> };

  constructor(private readonly command: string[], private readonly logFile: string, private readonly containersDir: string) {}

  private spawnMonitor(): { child: ChildProcess; socket: string; lines: () => Promise<string> } {
    const socket = spareSocketPath(this.containersDir);
    const errLog = fs.openSync(this.logFile, 'a');
    try {
      const child = spawn(this.command[0], [...this.command.slice(1), socket], { detached: true, stdio: ['pipe', 'pipe', errLog], cwd: '/' });
      // a monitor that died early shows as "monitor exited during startup", never as an uncaught EPIPE
      child.on('error', () => undefined);
      child.stdin!.on('error', () => undefined);
      child.unref();
      return { child, socket, lines: lineReader(child.stdout!) };
    } finally {
      fs.closeSync(errLog);
    }
  }

  private prestartTimer?: NodeJS.Timeout;

  /**
   * The next spare, a little later: a Node process booting takes a core for tens of ms, which
   * would slow the end of the container start that just took the spare (its output, exit and
   * removal go through the daemon).
   */
  private prestartSoon(): void {
    if (this.prestartTimer) return;
    this.prestartTimer = setTimeout(() => {
      this.prestartTimer = undefined;
      this.prestart();
    }, PRESTART_DELAY_MS);
    this.prestartTimer.unref();
  }

  /** Starts the next spare unless one is waiting. */
  prestart(): void {
    const alive = this.spare && this.spare.child.exitCode === null && this.spare.child.signalCode === null;
    if (alive) return;
    const spare = this.spare = this.spawnMonitor();
    // an idle spare must not keep the daemon's event loop alive
    (spare.child.stdin as unknown as { unref(): void }).unref();
    (spare.child.stdout as unknown as { unref(): void }).unref();
  }

  private take(): { child: ChildProcess; socket: string; lines: () => Promise<string> } {
    const spare = this.spare;
    this.spare = undefined;
    if (spare && spare.child.exitCode === null && spare.child.signalCode === null) {
      (spare.child.stdout as unknown as { ref(): void }).ref();
      return spare;
    }
    return this.spawnMonitor();
  }

  /** Ends the spare (the daemon shuts down). */
  close(): void {
    clearTimeout(this.prestartTimer);
    this.spare?.child.stdin?.end();
    this.spare = undefined;
  }

  /**
   * Starts a monitor for the container in `dir`; `beforeStart` gets the socket the monitor listens
   * on before it knows its container (connect attach clients there so no output is missed) and
   * resolves with the number of attach connections it made: the monitor starts the process once
   * it has registered them (a connection is open on our side before the monitor has read its
   * request). Resolves with the init pid, or with pid 0 and the exit status when the process
   * ended before its pid was seen.
   */
  async start(dir: string, config: MonitorConfig, beforeStart: (socket: string) => Promise<number>): Promise<{ pid: number; exit?: ExitStatus }> {
    fs.writeFileSync(path.join(dir, FILES.config), JSON.stringify(config), { mode: 0o600 });
    fs.rmSync(path.join(dir, FILES.exit), { force: true });
    fs.rmSync(path.join(dir, FILES.initPid), { force: true });
    fs.rmSync(path.join(dir, 'monitor.log'), { force: true });
    const { child, socket, lines } = this.take();
    try {
      const ready = await lines();
      if (ready !== 'listening') throw new Error(`monitor: ${ready}`);
      const attached = await beforeStart(socket);
      child.stdin!.write(`${attached} ${dir}\n`);
      const result = JSON.parse(await lines()) as { pid?: number; exit?: ExitStatus; error?: string };
      if (result.error) throw new Error(result.error);
      return { pid: result.pid ?? 0, exit: result.exit };
    } catch (e) {
      let log = '';
      try { log = fs.readFileSync(path.join(dir, 'monitor.log'), 'utf8').trim().split('\n').slice(-5).join('\n'); } catch { /* none */ }
      throw new Error(`${(e as Error).message}${log ? `: ${log}` : ''}`);
    } finally {
      child.stdin!.destroy();
      child.stdout!.destroy();
      this.prestartSoon();
    }
  }
}

/** Opens a connection to the monitor of `dir` (or at `socket`) and sends `req`. */
export function connectMonitor(dir: string, req: Request, socket = socketPath(dir)): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection({ path: socket, allowHalfOpen: true });
    sock.once('error', reject);
    sock.once('connect', () => {
      sock.off('error', reject);
      sock.write(`${JSON.stringify(req)}\n`);
      resolve(sock);
    });
  });
}

/** The monitor pid of `dir` when it is alive. */
export function monitorPid(dir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dir, FILES.pid), 'utf8'));
    return pid > 0 && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function readExit(dir: string): ExitStatus | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, FILES.exit), 'utf8')) as ExitStatus;
  } catch {
    return undefined;
  }
}

/**
 * Resolves with the exit status once the container process ended: through a `wait` connection
 * (instant), or from `exit.json` when the monitor is already gone (a dead monitor without an exit
 * file means the process was lost: exit code 137, like a SIGKILL).
 */
export async function waitForExit(dir: string): Promise<ExitStatus> {
  let sock: net.Socket;
  try {
    sock = await connectMonitor(dir, { type: 'wait' });
  } catch {
    return readExit(dir) ?? { exitCode: 137, finishedAt: new Date().toISOString(), error: 'container monitor is gone' };
  }
  return new Promise((resolve) => {
    let buf = '';
    // the status line is enough: the monitor closes the connection only after its runtime cleanup
    sock.on('data', (c: Buffer) => {
      buf += c.toString();
      if (!buf.includes('\n')) return;
      try {
        resolve(JSON.parse(buf.slice(0, buf.indexOf('\n'))) as ExitStatus);
      } catch { /* resolved from exit.json on close */ }
      sock.destroy();
    });
    sock.on('error', () => undefined);
    sock.once('end', () => sock.destroy());
    sock.once('close', () => resolve(readExit(dir) ?? { exitCode: 137, finishedAt: new Date().toISOString(), error: 'container monitor is gone' }));
  });
}
