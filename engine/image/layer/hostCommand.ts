/**
 * Short host commands (mount, umount, getfattr: a build runs about 30 of them) started by one
 * long-lived `/bin/sh` instead of by the daemon itself. Node spawns with fork(): the daemon's page
 * tables are copied for every child and each later write to its heap takes a copy-on-write fault,
 * all on the event loop's thread (measured about 2 ms per spawn in a build, and more kernel time
 * after it); the shell is a megabyte and forks on its own core.
 *
 * Protocol: a request is a line `<id> <argc> <o|m>` and then one line per argument (arguments
 * with a newline or NUL are run with execFile instead); the shell runs `"$@"` in the background
 * (no word splitting, no eval: the arguments are never shell text), with stdout (and, for `m`,
 * stderr) in the file `<dir>/<id>`, and answers `<id> <exit code>` (one short line: atomic on the
 * pipe whichever job finishes first). The caller reads and removes the file. The shell exits at
 * EOF on its stdin, that is when the daemon goes; output dirs of daemons that died are removed by
 * the next one.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SH = '/bin/sh';
const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const PREFIX = 'dockwright-cmd-';

const SCRIPT = `umask 077
d=$1
while IFS=' ' read -r id n s; do
  set --
  while [ "$n" -gt 0 ]; do IFS= read -r a || exit 0; set -- "$@" "$a"; n=$((n - 1)); done
  if [ "$s" = o ]; then ( "$@" </dev/null >"$d/$id" 2>/dev/null; echo "$id $?" ) &
  else ( "$@" </dev/null >"$d/$id" 2>&1; echo "$id $?" ) &
  fi
done`;

export interface HostCommandResult {
  code: number;
  /** stdout, plus stderr unless `discardStderr` */
  output: string;
}

export interface HostCommandOptions {
  /** stdout only (stderr goes to /dev/null), e.g. for a dump that is parsed */
  discardStderr?: boolean;
}

class Helper {
  private child?: ChildProcess;
  private dir?: string;
  private readonly waiting = new Map<number, { resolve: (code: number) => void; reject: (e: Error) => void }>();
  private next = 0;
  private buffered = '';

  private start(): { child: ChildProcess; dir: string } {
    if (this.child && this.dir && this.child.exitCode === null && this.child.signalCode === null) return { child: this.child, dir: this.dir };
    const base = fs.existsSync('/dev/shm') && isWritable('/dev/shm') ? '/dev/shm' : os.tmpdir();
    removeStale(base);
    const dir = fs.mkdtempSync(path.join(base, `${PREFIX}${process.pid}-`));
    const child = spawn(SH, ['-c', SCRIPT, 'sh', dir], { stdio: ['pipe', 'pipe', 'ignore'], env: { PATH: HOST_PATH, LC_ALL: 'C' } });
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      this.buffered += chunk;
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const [id, code] = this.buffered.slice(0, nl).split(' ').map(Number);
        this.buffered = this.buffered.slice(nl + 1);
        const w = this.waiting.get(id);
        this.waiting.delete(id);
        w?.resolve(code);
      }
    });
    const gone = () => {
      if (this.child !== child) return;
      this.child = undefined;
      this.buffered = '';
      for (const w of this.waiting.values()) w.reject(new Error('the host command helper exited'));
      this.waiting.clear();
      fs.rmSync(dir, { recursive: true, force: true });
    };
    child.on('exit', gone);
    child.on('error', gone);
    child.stdin!.on('error', () => undefined);
    // the helper never keeps the daemon alive: while a request waits, the caller's own work does
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    this.child = child;
    this.dir = dir;
    return { child, dir };
  }

  async run(argv: string[], opts: HostCommandOptions): Promise<HostCommandResult> {
    const { child, dir } = this.start();
    const id = ++this.next;
    // a waiting request keeps the process alive (a short-lived one, like dist/files.js, would
    // otherwise exit in the middle of its await: the helper itself is unref'd)
    const out = child.stdout as unknown as { ref?: () => void; unref?: () => void };
    out.ref?.();
    const code = await new Promise<number>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      child.stdin!.write(`${id} ${argv.length} ${opts.discardStderr ? 'o' : 'm'}\n${argv.join('\n')}\n`);
    }).finally(() => { if (this.waiting.size === 0) out.unref?.(); });
    const file = path.join(dir, String(id));
    let output = '';
    try {
      output = fs.readFileSync(file, 'utf8');
      fs.unlinkSync(file);
    } catch { /* the helper went with its dir */ }
    return { code, output };
  }
}

function isWritable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Output dirs of daemons that are gone (killed before their helper could remove its dir). */
function removeStale(base: string): void {
  let names: string[] = [];
  try {
    names = fs.readdirSync(base).filter((n) => n.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const n of names) {
    const pid = Number(n.slice(PREFIX.length).split('-')[0]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (e) {
      // another user's (a root daemon's, seen by a rootless one) cannot be removed: left to its owner
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') {
        try { fs.rmSync(path.join(base, n), { recursive: true, force: true }); } catch { /* not ours */ }
      }
    }
  }
}

const helper = new Helper();
const SH_EXISTS = fs.existsSync(SH);

/** Runs `argv` (absolute path first) through the helper shell; resolves with its exit code and output. */
export async function hostCommand(argv: string[], opts: HostCommandOptions = {}): Promise<HostCommandResult> {
  // (a helper that dies fails the requests it had: they may have run)
  if (!argv.some((a) => a.includes('\n') || a.includes('\0')) && SH_EXISTS) return helper.run(argv, opts);
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { maxBuffer: 256 << 20, encoding: 'utf8', env: { PATH: HOST_PATH, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, output: opts.discardStderr ? stdout : `${stdout}${stderr}` });
    });
  });
}

/** Like hostCommand; rejects (with the output) when the command fails. */
export async function hostCommandOk(argv: string[]): Promise<string> {
  const r = await hostCommand(argv);
  if (r.code !== 0) throw new Error(`${path.basename(argv[0])} failed (exit ${r.code}): ${r.output.trim()}`);
  return r.output;
}
