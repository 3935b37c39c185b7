// Starts Dockwright's own daemon (dist/engine.js) for integration tests: a temp data root and socket,
// optional non-root user for rootless tests, helpers to run the docker CLI against it, to kill -9 it
// and to restart it on the same data root. dist/engine.js is rebuilt once per process when stale.
import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { removeDir, requireBinary, spawnService, stopService, tail, tempDir, waitFor } from './services';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../..');
const engineJs = path.join(repoRoot, 'dist/engine.js');

export interface TestEngine {
  /** `unix:///…/engine.sock` — pass as `-H` or DOCKER_HOST. */
  host: string;
  socketPath: string;
  dataRoot: string;
  logFile: string;
  /** The running daemon process (changes on restart). */
  readonly process: ChildProcess;
  /** Runs the docker CLI against this daemon; rejects with stderr on failure. */
  docker(args: string[], opts?: { input?: Buffer | string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<{ stdout: string; stderr: string }>;
  /** SIGTERM and wait; keeps the data root (for restart). Resolves with how it exited. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL the daemon's process group and wait; keeps the data root. */
  kill9(): Promise<void>;
  /** Starts the daemon again on the same data root and socket (after terminate/kill9, or stops it first). */
  restart(): Promise<void>;
  /** Stops the daemon and removes every temp dir. */
  stop(): Promise<void>;
  logs(): string;
}

export interface StartEngineOptions {
  runtime?: 'auto' | 'crun' | 'runc' | 'rootless';
  /** Run the daemon as this user (created with useradd if missing) — for rootless tests. */
  asUser?: string;
  insecureRegistries?: string[];
  extraArgs?: string[];
  logLevel?: string;
}

let built = false;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!/\.(ts|js|mjs|json)$/.test(f)) continue;
    newest = Math.max(newest, fs.statSync(path.join(dir, f)).mtimeMs);
  }
  return newest;
}

/** Builds dist/engine.js with scripts/build.mjs if it is missing or older than engine/ sources. */
export function ensureEngineBuilt(): void {
  if (built) return;
  const stale = () => !fs.existsSync(engineJs) || fs.statSync(engineJs).mtimeMs < newestMtime(path.join(repoRoot, 'engine'));
  if (stale()) {
    // Several test processes may build at once: serialise on a lock file.
    let output = '';
    try {
      output = execFileSync('flock', ['/tmp/dw-engine-build.lock', 'node', 'scripts/build.mjs'], { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      output = `${(e as { stdout?: string }).stdout ?? ''}${(e as { stderr?: string }).stderr ?? ''}`;
    }
    if (stale()) throw new Error(`could not build dist/engine.js with scripts/build.mjs:\n${output}`);
  }
  built = true;
}

/** uid/gid of `name`, creating the user (no login, own group) when missing. */
export function ensureUser(name: string): { uid: number; gid: number; home: string } {
  const lookup = () => {
    const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[0] === name);
    if (!line) return undefined;
    const f = line.split(':');
    return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] };
  };
  let u = lookup();
  if (!u) {
    execFileSync('flock', ['/tmp/dw-useradd.lock', 'sh', '-c', `id -u ${name} >/dev/null 2>&1 || useradd --create-home --shell /bin/sh ${name}`]);
    u = lookup();
    if (!u) throw new Error(`useradd did not create user ${name}`);
  }
  return u;
}

/** Unmounts (lazily, deepest first) everything mounted under `dir`: container rootfs overlays survive a kill -9. */
export function unmountUnder(dir: string): void {
  const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4]?.replace(/\\040/g, ' '))
    .filter((m): m is string => !!m && (m === dir || m.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    try {
      execFileSync('umount', ['-l', m], { stdio: 'ignore' });
    } catch { /* already gone */ }
  }
}

export async function startEngine(opts: StartEngineOptions = {}): Promise<TestEngine> {
  ensureEngineBuilt();
  const node = process.execPath;
  const dockerCli = requireBinary('docker', 'docker.io');
  const dir = tempDir('engine');
  const socketPath = path.join(dir, 'run/engine.sock');
  const dataRoot = path.join(dir, 'data');
  const host = `unix://${socketPath}`;
  const logFile = path.join(dir, 'engine.log');
  const args = [engineJs, '-H', host, '--data-root', dataRoot, '--log-level', opts.logLevel ?? 'debug',
    ...(opts.runtime ? ['--runtime', opts.runtime] : []),
    ...(opts.insecureRegistries ?? []).flatMap((r) => ['--insecure-registry', r]),
    ...(opts.extraArgs ?? [])];
  let spawnOpts = {};
  if (opts.asUser) {
    const user = ensureUser(opts.asUser);
    fs.chmodSync(dir, 0o755);
    fs.chownSync(dir, user.uid, user.gid);
    fs.writeFileSync(logFile, '');
    fs.chownSync(logFile, user.uid, user.gid);
    spawnOpts = {
      uid: user.uid, gid: user.gid, cwd: dir,
      env: { PATH: process.env.PATH, HOME: user.home, USER: opts.asUser, XDG_RUNTIME_DIR: path.join(dir, 'xdg-run') },
    };
  }

  let child!: ChildProcess;
  const launch = async () => {
    const before = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
    child = spawnService(node, args, logFile, spawnOpts);
    try {
      await waitFor('dockwright engine to print "API listen on"', () => {
        if (child.exitCode !== null) throw new Error(`engine exited with ${child.exitCode}`);
        const fd = fs.openSync(logFile, 'r');
        try {
          const buf = Buffer.alloc(Math.max(0, fs.fstatSync(fd).size - before));
          fs.readSync(fd, buf, 0, buf.length, before);
          return buf.toString('utf8').includes('API listen on');
        } finally {
          fs.closeSync(fd);
        }
      }, 30000, 50);
    } catch (e) {
      await stopService(child, 5000);
      throw new Error(`${(e as Error).message}\n--- engine log ---\n${tail(logFile)}`);
    }
  };
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const waitExit = () => new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (exited()) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  try {
    await launch();
  } catch (e) {
    unmountUnder(dir);
    removeDir(dir);
    throw e;
  }

  const cliConfig = path.join(dir, 'cli-config');
  const docker: TestEngine['docker'] = async (dargs, o = {}) => {
    const env = { ...process.env, DOCKER_HOST: host, DOCKER_CONFIG: cliConfig, ...o.env };
    const execOpts = { env, encoding: 'utf8' as const, maxBuffer: 256 << 20, timeout: o.timeoutMs ?? 120000 };
    if (o.input !== undefined) {
      return new Promise((resolve, reject) => {
        const p = execFile(dockerCli, dargs, execOpts, (err, stdout, stderr) => {
          if (err) reject(new Error(`docker ${dargs.join(' ')} failed: ${stderr || err.message}`));
          else resolve({ stdout, stderr });
        });
        p.stdin!.end(o.input);
      });
    }
    try {
      return await run(dockerCli, dargs, execOpts);
    } catch (e) {
      throw new Error(`docker ${dargs.join(' ')} failed: ${(e as { stderr?: string }).stderr || (e as Error).message}`);
    }
  };

  const engine: TestEngine = {
    host, socketPath, dataRoot, logFile,
    get process() { return child; },
    docker,
    async terminate() {
      if (!exited()) process.kill(child.pid!, 'SIGTERM');
      const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 15000);
      const r = await waitExit();
      clearTimeout(timer);
      return r;
    },
    async kill9() {
      if (!exited()) {
        try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      }
      await waitExit();
    },
    async restart() {
      if (!exited()) await engine.terminate();
      await launch();
    },
    async stop() {
      await stopService(child, 15000);
      unmountUnder(dir);
      removeDir(dir);
    },
    logs: () => fs.readFileSync(logFile, 'utf8'),
  };
  return engine;
}

/**
 * Removes every container of `engine` (they outlive a daemon, with their mounts), then stops it
 * and removes its temp dirs. For a test's `after`; errors of the removals are ignored.
 */
export async function stopWithContainers(engine: TestEngine | undefined): Promise<void> {
  if (!engine) return;
  const { stdout } = await engine.docker(['ps', '-aq']).catch(() => ({ stdout: '' }));
  for (const id of stdout.split('\n').filter(Boolean)) await engine.docker(['rm', '-f', id]).catch(() => undefined);
  await engine.stop();
}
