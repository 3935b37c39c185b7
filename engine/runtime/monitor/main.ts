// dist/monitor.js — the per-container monitor (like podman's conmon). One per running container:
// it starts the runtime command, owns the process stdio (pipes, or the PTY `script` provides),
// writes the json-file log, serves attach/wait/resize on a unix socket, records the exit status,
// and keeps running when the daemon exits or is killed (it is started in its own session).
// Protocol and files: ./protocol.ts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { constants } from 'node:os';
import * as path from 'node:path';
import { JsonFileLog } from './jsonFileLog';
import { containerInit, execDone, ownTerminal, terminalOf } from './procTree';
import { FILES, frame, socketPath, STREAM_STDERR, STREAM_STDOUT, type ExitStatus, type MonitorConfig, type Request } from './protocol';

const STTY = '/bin/stty';

function writeAtomic(file: string, data: string): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function readLine(sock: net.Socket): Promise<{ line: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const i = buf.indexOf(10);
      if (i < 0) {
        if (buf.length > 65536) reject(new Error('request line too long'));
        return;
      }
      sock.off('data', onData);
      sock.pause();
      resolve({ line: buf.subarray(0, i).toString('utf8'), rest: buf.subarray(i + 1) });
    };
    sock.on('data', onData);
    sock.once('error', reject);
    sock.once('end', () => reject(new Error('connection closed before request')));
  });
}

class Monitor {
  private child?: ChildProcess;
  private readonly attached = new Set<{ sock: net.Socket; stdout: boolean; stderr: boolean }>();
  private readonly waiters = new Set<net.Socket>();
  private exit?: ExitStatus;
  /** set by adopt() */
  private dir = '';
  private config!: MonitorConfig;
  private log!: JsonFileLog;
  /** the sockets listened on: the spare's, and the container's when the spare's could not be moved there */
  private readonly servers: { server: net.Server; path: string }[] = [];
  private stdinClosed = false;
  private adopted!: () => void;
  /** requests that arrive before the container is known (attach clients connect first) wait for it */
  private readonly ready = new Promise<void>((resolve) => { this.adopted = resolve; });

  /** Listens on `sockPath` (mode 0600). */
  async listen(sockPath: string): Promise<void> {
    fs.rmSync(sockPath, { force: true });
    const server = net.createServer({ allowHalfOpen: true }, (sock) => void this.serve(sock).catch(() => sock.destroy()));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(sockPath, () => {
        fs.chmodSync(sockPath, 0o600);
        resolve();
      });
    });
    this.servers.push({ server, path: sockPath });
  }

  /**
   * Takes on the container in `dir`: reads its config and moves the listening socket to the
   * container's socket path (a rename keeps the listening socket; a second listener where the
   * rename cannot be done, e.g. across filesystems).
   */
  async adopt(dir: string): Promise<void> {
    this.dir = dir;
    this.config = JSON.parse(fs.readFileSync(path.join(dir, FILES.config), 'utf8')) as MonitorConfig;
    this.log = new JsonFileLog(this.config.logPath);
    const target = socketPath(dir);
    const spare = this.servers[0];
    try {
      fs.renameSync(spare.path, target);
      spare.path = target;
    } catch {
      await this.listen(target);
    }
    this.adopted();
  }

  private async serve(sock: net.Socket): Promise<void> {
    sock.on('error', () => undefined);
    const { line, rest } = await readLine(sock);
    const req = JSON.parse(line) as Request;
    await this.ready;
    if (req.type === 'wait') {
      if (this.exit) sock.end(`${JSON.stringify(this.exit)}\n`);
      else {
        this.waiters.add(sock);
        sock.once('close', () => this.waiters.delete(sock));
      }
      sock.resume();
      return;
    }
    if (req.type === 'resize') {
      this.resize(req.height, req.width);
      sock.end('{}\n');
      return;
    }
    if (this.exit) {
      sock.end();
      return;
    }
    const client = { sock, stdout: req.stdout, stderr: req.stderr };
    this.attached.add(client);
    sock.once('close', () => this.attached.delete(client));
    if (req.stdin && (this.config.openStdin || this.config.tty) && !this.stdinClosed) {
      if (rest.length) this.writeStdin(rest);
      sock.on('data', (c: Buffer) => this.writeStdin(c));
      sock.once('end', () => {
        if (this.config.stdinOnce) this.closeStdin();
      });
    } else {
      sock.on('data', () => undefined);
    }
    sock.resume();
    this.registered++;
    this.onRegistered?.();
  }

  /** attach clients registered so far; `go <n>` starts the process once n are (see protocol.ts) */
  private registered = 0;
  private onRegistered?: () => void;

  /** Resolves once `n` attach clients are registered (or after `timeoutMs`). */
  attachedClients(n: number, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      const check = () => {
        if (this.registered < n) return;
        clearTimeout(timer);
        this.onRegistered = undefined;
        resolve();
      };
      this.onRegistered = check;
      check();
    });
  }

  /** stdin from attach clients; kept until the process exists (clients attach before it starts) */
  private readonly earlyStdin: Buffer[] = [];

  private writeStdin(c: Buffer): void {
    if (this.stdinClosed) return;
    if (this.child?.stdin) this.child.stdin.write(c);
    else this.earlyStdin.push(c);
  }

  private closeStdin(): void {
    this.stdinClosed = true;
    this.child?.stdin?.end();
  }

  private resize(height: number, width: number): void {
    if (!this.config.tty || !this.child?.pid || !(height > 0 && width > 0)) return;
    const size = ['rows', String(Math.floor(height)), 'cols', String(Math.floor(width))];
    const tty = terminalOf(this.child.pid);
    if (tty) spawnSync(STTY, ['-F', tty, ...size], { stdio: 'ignore' });
    // runc relays the size of its terminal to the container's console, crun does not: size the console itself
    const init = containerInit(this.child.pid);
    const console = init !== undefined ? ownTerminal(init) : undefined;
    if (console) spawnSync(STTY, ['-F', console, ...size], { stdio: 'ignore' });
  }

  private output(stream: number, data: Buffer): void {
    this.log.write(stream === STREAM_STDERR ? 'stderr' : 'stdout', data);
    const f = frame(stream, data);
    for (const c of this.attached) {
      if ((stream === STREAM_STDOUT && c.stdout) || (stream === STREAM_STDERR && c.stderr)) c.sock.write(f);
    }
  }

  /** resolves start() when the process ends before its pid was seen */
  private onFinish?: () => void;

  /**
   * Starts the process; resolves with the container's init pid once it runs the container's
   * program, or with pid 0 and the exit status when it ended first (a short program like `echo`).
   */
  start(): Promise<{ pid: number; exit?: ExitStatus }> {
    const { argv, env, openStdin } = this.config;
    const child = spawn(argv[0], argv.slice(1), { env, stdio: [openStdin || this.config.tty ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdin?.on('error', () => undefined);
    for (const c of this.earlyStdin.splice(0)) child.stdin?.write(c);
    if (this.stdinClosed) child.stdin?.end();
    child.stdout!.on('data', (c: Buffer) => this.output(STREAM_STDOUT, c));
    child.stderr!.on('data', (c: Buffer) => this.output(STREAM_STDERR, c));
    child.once('close', (code, signal) => this.finish(code ?? 128 + (signal ? constants.signals[signal] : 0)));
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      this.onFinish = () => {
        clearTimeout(timer);
        resolve({ pid: 0, exit: this.exit });
      };
      const poll = () => {
        if (this.exit) return;
        const pid = child.pid !== undefined ? containerInit(child.pid) : undefined;
        if (pid && execDone(pid)) {
          this.onFinish = undefined;
          return resolve({ pid });
        }
        if (Date.now() - started > 30000) return reject(new Error('the container process did not start within 30 s'));
        timer = setTimeout(poll, Date.now() - started < 200 ? 2 : 20);
      };
      poll();
    });
  }

  private finish(exitCode: number): void {
    this.log.close();
    this.exit = { exitCode, finishedAt: new Date().toISOString() };
    writeAtomic(path.join(this.dir, FILES.exit), JSON.stringify(this.exit));
    // leftover runtime state, before anyone hears of the exit (a restart reuses the id); a clean
    // exit of the runtime removed it already, which saves spawning the runtime again
    const { cleanupArgv, cleanupIfExists } = this.config;
    if (cleanupArgv && (!cleanupIfExists || fs.existsSync(cleanupIfExists))) spawnSync(cleanupArgv[0], cleanupArgv.slice(1), { stdio: 'ignore' });
    this.onFinish?.();
    for (const c of this.attached) c.sock.end();
    const line = `${JSON.stringify(this.exit)}\n`;
    for (const w of this.waiters) w.end(line);
    for (const { server, path: p } of this.servers) {
      server.close();
      fs.rmSync(p, { force: true });
    }
    fs.rmSync(path.join(this.dir, FILES.pid), { force: true });
    // let the sockets flush, then leave
    setTimeout(() => process.exit(0), 50).unref();
  }
}

/** The next line of stdin; empty at end of input. */
function stdinLine(): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const onData = (c: Buffer) => {
      buf += c.toString();
      const i = buf.indexOf('\n');
      if (i < 0) return;
      process.stdin.off('data', onData);
      process.stdin.off('end', onEnd);
      process.stdin.pause();
      resolve(buf.slice(0, i));
    };
    const onEnd = () => resolve('');
    process.stdin.on('data', onData);
    process.stdin.once('end', onEnd);
    process.stdin.resume();
  });
}

let containerDir: string | undefined;

async function main(): Promise<void> {
  for (const s of ['SIGHUP', 'SIGINT', 'SIGPIPE'] as const) process.on(s, () => undefined);
  // `monitor <socket>`: started ahead of time (keeps node's startup off the container start
  // path), it listens at once and waits on stdin for `<n> <container dir>` (protocol.ts).
  const spareSocket = process.argv[2];
  if (!spareSocket) throw new Error('usage: monitor <socket path>');
  const monitor = new Monitor();
  await monitor.listen(spareSocket);
  process.stdout.write('listening\n');
  const handover = await stdinLine();
  const space = handover.indexOf(' ');
  if (space < 0) {
    // the daemon went away before it needed this spare
    fs.rmSync(spareSocket, { force: true });
    process.exit(0);
  }
  const dir = containerDir = handover.slice(space + 1);
  fs.rmSync(path.join(dir, FILES.exit), { force: true });
  await monitor.adopt(dir);
  writeAtomic(path.join(dir, FILES.pid), String(process.pid));
  await monitor.attachedClients(Number(handover.slice(0, space)) || 0);
  try {
    const { pid, exit } = await monitor.start();
    if (pid) writeAtomic(path.join(dir, FILES.initPid), String(pid));
    process.stdout.write(`${JSON.stringify({ pid, exit })}\n`);
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ error: (e as Error).message })}\n`);
  }
  process.stdin.destroy();
  process.stdout.end();
}

main().catch((e) => {
  const msg = `monitor: ${(e as Error).message}\n`;
  process.stderr.write(msg);
  if (containerDir) {
    try { fs.appendFileSync(path.join(containerDir, 'monitor.log'), msg); } catch { /* the dir is gone */ }
  }
  process.exit(1);
});
