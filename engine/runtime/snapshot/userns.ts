// Snapshot and rootfs file operations for rootless containers with subordinate ids
// (executor/idMapping.ts): layers unpack with their owners, trees are copied and removed, and
// changes, layers and tars are read, inside a user namespace with the containers' mapping, where
// the daemon's user is root over every mapped id (dist/files.js, ../fileHelper, or cp/rm). From
// outside, the user could neither chown to the subordinate ids nor read or delete what other
// container users own.
import { execFile, execFileSync, spawn } from 'node:child_process';
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import type { LayerDigests, LayerEntry } from '../../image/layer';
import { putOptionsArg, type PathStat, type PutOptions } from '../containers/archive';
import { RuntimeError } from '../errors';
import { inUserNamespace, type IdMapping } from '../executor/idMapping';
import { nodeEntryCommand } from '../nodeEntry';

const execFileP = promisify(execFile);
const CP = '/bin/cp';
const RM = '/bin/rm';
const CHOWN = '/bin/chown';

/** The command that runs the file helper (dist/files.js). */
export function defaultFileHelperCommand(): string[] {
  return nodeEntryCommand('files.js', 'engine/runtime/fileHelper/main.ts');
}

/** The helper's error line (`{"status","message"}`) as an error; any other output as a 500. */
function helperError(stderr: string, fallback: string): RuntimeError {
  const line = stderr.trim().split('\n').pop() ?? '';
  try {
    const e = JSON.parse(line) as { status: 400 | 404 | 409 | 500; message: string };
    return new RuntimeError(e.status, e.message);
  } catch {
    return new RuntimeError(500, stderr.trim() || fallback);
  }
}

/** Directories `lend` changed, with their owners and modes. */
export type Lent = { rel: string; uid: number; gid: number; mode: number }[];

export class UsernsFiles {
  constructor(readonly mapping: IdMapping, private readonly helperCommand = defaultFileHelperCommand()) {}

  private async run(argv: string[]): Promise<string> {
    const cmd = inUserNamespace(this.mapping, argv);
    try {
      return (await execFileP(cmd[0], cmd.slice(1), { maxBuffer: 256 << 20, encoding: 'utf8' })).stdout;
    } catch (e) {
      throw helperError((e as { stderr?: string }).stderr ?? '', `${path.basename(argv[0])}: ${(e as Error).message}`);
    }
  }

  /** Runs the helper with `input` on its stdin and `output` taking its stdout (when given). */
  private stream(args: string[], io: { input?: Readable; output?: Writable }): Promise<void> {
    const cmd = inUserNamespace(this.mapping, [...this.helperCommand, ...args]);
    return new Promise((resolve, reject) => {
      const child = spawn(cmd[0], cmd.slice(1), { stdio: [io.input ? 'pipe' : 'ignore', io.output ? 'pipe' : 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
      if (io.input) {
        child.stdin!.on('error', () => undefined);
        io.input.once('error', (e) => { child.kill('SIGKILL'); reject(e); });
        io.input.pipe(child.stdin!);
      }
      if (io.output) child.stdout!.pipe(io.output, { end: false });
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve() : reject(helperError(stderr, `file helper exited with ${code}`))));
    });
  }

  /** `cp -a` keeping owners, modes and hard links. */
  async copyTree(from: string, to: string): Promise<void> {
    await this.run([CP, '-a', '--reflink=auto', from, to]);
  }

  async removeTree(dir: string): Promise<void> {
    await this.run([RM, '-rf', '--', dir]);
  }

  /** Gives `p` itself (not what it holds, never through a link) to container uid:gid. */
  async chown(p: string, uid: number, gid: number): Promise<void> {
    if (!Number.isSafeInteger(uid) || !Number.isSafeInteger(gid) || uid < 0 || gid < 0) throw new RuntimeError(400, `invalid owner ${uid}:${gid}`);
    await this.run([CHOWN, '-h', `${uid}:${gid}`, '--', p]);
  }

  /** removeTree, synchronously (a volume's files of other container users). */
  removeTreeSync(dir: string): void {
    const cmd = inUserNamespace(this.mapping, [RM, '-rf', '--', dir]);
    try {
      execFileSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    } catch (e) {
      throw helperError((e as { stderr?: string }).stderr ?? '', `rm: ${(e as Error).message}`);
    }
  }

  /** Applies the layer read from `input` onto `dir` with its owners; says which device nodes it could not make. */
  async applyLayer(input: Readable, dir: string): Promise<{ skippedDevices: string[] }> {
    let text = '';
    // collected synchronously as each chunk is piped in: all of it is here once the helper has closed
    const out = new Writable({ write(c: Buffer, _e, cb) { text += c.toString(); cb(); } });
    await this.stream(['apply', dir], { input, output: out });
    return { skippedDevices: (JSON.parse(text || '{}') as { skippedDevices?: string[] }).skippedDevices ?? [] };
  }

  /** The changes of the snapshot in `snapDir` (names, types, modes, owners: without file content). */
  async changes(snapDir: string): Promise<LayerEntry[]> {
    return JSON.parse(await this.run([...this.helperCommand, 'changes', snapDir])) as LayerEntry[];
  }

  async writeChangesLayer(snapDir: string, outDir: string, opts: { compression?: 'gzip' | 'none'; sourceDateEpoch?: number } = {}): Promise<LayerDigests & { file: string; entries: number }> {
    return JSON.parse(await this.run([...this.helperCommand, 'layer', snapDir, outDir, JSON.stringify(opts)])) as LayerDigests & { file: string; entries: number };
  }

  /**
   * Makes the existing directories along `p` in `rootfs` container root's and writable, for a build
   * step the daemon does from outside (COPY into /home/app of uid 1000); `restore` gives them back.
   */
  async lend(rootfs: string, p: string): Promise<Lent> {
    return JSON.parse(await this.run([...this.helperCommand, 'lend', rootfs, p])) as Lent;
  }

  async restore(rootfs: string, lent: Lent): Promise<void> {
    if (lent.length) await this.stream(['restore', rootfs], { input: Readable.from([Buffer.from(JSON.stringify(lent))]) });
  }

  /** Gives what the snapshot in `snapDir` added or replaced (not the directories of its layers) to container ids uid:gid. */
  async own(snapDir: string, uid: number, gid: number): Promise<void> {
    await this.run([...this.helperCommand, 'own', snapDir, String(uid), String(gid)]);
  }

  /** A tar of `p` in `rootfs` (docker cp), or of the whole rootfs (docker export), onto `out`. */
  tar(rootfs: string, p: string | undefined, out: Writable): Promise<void> {
    return this.stream(['tar', rootfs, ...(p !== undefined ? [p] : [])], { output: out });
  }

  /** Extracts the tar read from `input` into the directory `p` of `rootfs` (docker cp into a container; archivePut's options). */
  put(rootfs: string, p: string, input: Readable, opts: PutOptions = {}): Promise<void> {
    return this.stream(['put', rootfs, p, putOptionsArg(opts)], { input });
  }

  async stat(rootfs: string, p: string): Promise<PathStat> {
    return JSON.parse(await this.run([...this.helperCommand, 'stat', rootfs, p])) as PathStat;
  }
}
