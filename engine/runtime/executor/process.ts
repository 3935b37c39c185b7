// Running a prepared command line with the caller's streams, and the PTY wrapper used for `tty`.
import { spawn } from 'node:child_process';
import type { PreparedProcess, RunIO, RunResult } from './types';
import { constants } from 'node:os';

const SCRIPT = '/usr/bin/script';

/** POSIX shell single-quoting. */
export function shellQuote(args: string[]): string {
  return args.map((a) => (/^[A-Za-z0-9_\/.,:=@%+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * Node cannot allocate a pseudo-terminal nor receive the runtime's `--console-socket` fd (no
 * SCM_RIGHTS in `net`), so a terminal comes from util-linux `script` (host binary, absolute path):
 * it opens a PTY, runs the runtime with the PTY slave as its stdio and relays the master to its own
 * stdin/stdout. runc/crun (with `terminal: true`) relay that PTY to the container's own console and
 * forward its window size (SIGWINCH); bubblewrap passes it to the process as is. A resize is then
 * `stty -F <pty slave> rows R cols C` (host binary) on the PTY `script` allocated.
 */
export function withPty(argv: string[], opts: { transparent?: boolean } = {}): string[] {
  // transparent: the runtime allocates the container's own console and relays to this PTY, so
  // this outer one is made raw and silent (else input would be echoed twice, plus a stray ^@)
  const cmd = opts.transparent ? `/bin/stty raw -echo; exec ${shellQuote(argv)}` : shellQuote(argv);
  return [SCRIPT, '-q', '-e', '-f', '-c', cmd, '/dev/null'];
}

/** Exit code like a shell reports it: 128+N when killed by signal N. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals as Record<string, number>)[signal] ?? 0 : 0);
}

const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The environment to spawn a prepared command with. */
export function commandEnv(p: PreparedProcess): NodeJS.ProcessEnv {
  return p.cleanEnv ? { SHELL: '/bin/sh', ...p.env } : { PATH: HOST_PATH, SHELL: '/bin/sh', ...p.env };
}

/** `['A=1', 'B=2']` → `{ A: '1', B: '2' }` */
export function envObject(env: string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (const e of env) {
    const i = e.indexOf('=');
    if (i > 0) o[e.slice(0, i)] = e.slice(i + 1);
  }
  return o;
}

/** Spawns argv with the caller's streams and resolves with the exit code. */
export function runArgv(p: PreparedProcess, io: RunIO = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(p.argv[0], p.argv.slice(1), {
      stdio: [io.stdin ? 'pipe' : 'ignore', io.stdout ? 'pipe' : 'ignore', io.stderr ? 'pipe' : 'ignore'],
      env: commandEnv(p),
    });
    if (io.stdin && child.stdin) {
      io.stdin.pipe(child.stdin);
      child.stdin.on('error', () => { /* the process closed its stdin early */ });
    }
    if (io.stdout && child.stdout) child.stdout.pipe(io.stdout, { end: false });
    if (io.stderr && child.stderr) child.stderr.pipe(io.stderr, { end: false });
    const onAbort = () => child.kill('SIGKILL');
    io.signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      io.signal?.removeEventListener('abort', onAbort);
      if (io.stdin) io.stdin.unpipe(child.stdin!);
      resolve({ exitCode: exitCodeOf(code, signal) });
    });
  });
}
