/**
 * Built layers kept as directories: `<buildRoot>/layers/<diffID hex>/` is the overlay upper dir a
 * step wrote (overlay's own whiteouts and opaque markers, exactly the layer's content), moved here
 * when the step is committed. Like BuildKit's snapshots they are a cache:
 * - a later build stacks its steps on them as overlay lower dirs, so cached layers are never
 *   unpacked again (unpacking copies the whole tree per layer);
 * - the end of a build does not delete thousands of files. (Deleting is not free either: on a
 *   filesystem without a journal, as the benchmark machine's, ext4 skips inodes freed in the last
 *   minutes when it allocates new ones, so every file the next build creates pays for a scan over
 *   them — measured 0.3–0.8 ms per file instead of 0.02 ms.)
 * A directory is referenced while a build-cache record lists its diffID. `/build/prune` removes
 * every directory no running build uses; after a build, unreferenced directories beyond
 * UNREFERENCED_BUDGET bytes are removed, oldest first. Directories are never modified once here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/** Bytes of layer directories no cache record references that are kept for reuse. */
export const UNREFERENCED_BUDGET = 2 * 2 ** 30;

interface DirInfo {
  diffID: string;
  /** The layer's tar size (about the bytes the directory holds). */
  size: number;
  /** ms since the epoch when the directory was committed. */
  committedAt: number;
}

const hexOf = (diffID: string) => {
  if (!/^sha256:[a-f0-9]{64}$/.test(diffID)) throw new Error(`invalid diffID ${diffID}`);
  return diffID.slice(7);
};

export class LayerDirs {
  readonly dir: string;
  /** diffID → number of running builds that have the directory in a mount stack. */
  private readonly inUse = new Map<string, number>();

  constructor(buildRoot: string) {
    this.dir = path.join(buildRoot, 'layers');
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  path(diffID: string): string {
    return path.join(this.dir, hexOf(diffID));
  }

  /** True when the directory of `diffID` is complete (its info file is written last). */
  has(diffID: string): boolean {
    return fs.existsSync(`${this.path(diffID)}.json`);
  }

  /** Marks directories as used by a running build; the returned function releases them. */
  use(diffIDs: string[]): () => void {
    for (const d of diffIDs) this.inUse.set(d, (this.inUse.get(d) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const d of diffIDs) {
        const n = (this.inUse.get(d) ?? 1) - 1;
        if (n > 0) this.inUse.set(d, n);
        else this.inUse.delete(d);
      }
    };
  }

  /**
   * Moves a committed step's (unmounted) upper dir here as the directory of `diffID` and returns
   * the directory's path. When another build already stored the same diffID, that one is kept and
   * `upper` is left where it is (the caller's step dir removal takes it).
   */
  adopt(upper: string, diffID: string, size: number): string {
    const target = this.path(diffID);
    if (this.has(diffID)) return target;
    try {
      fs.renameSync(upper, target);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // a half-stored directory of a crashed daemon (no info file): replaced
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw e;
      const stale = `${target}.rm-${randomBytes(4).toString('hex')}`;
      fs.renameSync(target, stale);
      fs.rmSync(stale, { recursive: true, force: true });
      fs.renameSync(upper, target);
    }
    const info: DirInfo = { diffID, size, committedAt: Date.now() };
    fs.writeFileSync(`${target}.json`, JSON.stringify(info));
    return target;
  }

  private infos(): DirInfo[] {
    const out: DirInfo[] = [];
    for (const n of fs.readdirSync(this.dir)) {
      if (!/^[a-f0-9]{64}\.json$/.test(n)) continue;
      try {
        out.push(JSON.parse(fs.readFileSync(path.join(this.dir, n), 'utf8')) as DirInfo);
      } catch { /* removed concurrently */ }
    }
    return out;
  }

  private async remove(diffID: string): Promise<void> {
    const p = this.path(diffID);
    // the info file goes first and synchronously (right after the caller's in-use check): from
    // then on `has` is false, so no build starts to use the directory while it is being deleted
    fs.rmSync(`${p}.json`, { force: true });
    const doomed = `${p}.rm-${randomBytes(4).toString('hex')}`;
    try {
      fs.renameSync(p, doomed);
    } catch {
      return;
    }
    await fs.promises.rm(doomed, { recursive: true, force: true });
  }

  /** Removes every directory no running build uses (`/build/prune`). */
  async prune(): Promise<void> {
    for (const i of this.infos()) if (!this.inUse.has(i.diffID)) await this.remove(i.diffID);
  }

  /** Removes unreferenced directories beyond `budget` bytes, oldest first. */
  async sweep(referenced: Set<string>, budget = UNREFERENCED_BUDGET): Promise<void> {
    const loose = this.infos().filter((i) => !referenced.has(i.diffID) && !this.inUse.has(i.diffID)).sort((a, b) => b.committedAt - a.committedAt);
    let kept = 0;
    for (const i of loose) {
      kept += i.size;
      if (kept > budget) await this.remove(i.diffID);
    }
  }

  /** At daemon start: removes directories a crash left without an info file, and stray removals. */
  async recover(): Promise<void> {
    for (const n of fs.readdirSync(this.dir)) {
      const p = path.join(this.dir, n);
      if (/^[a-f0-9]{64}$/.test(n) && fs.existsSync(`${p}.json`)) continue;
      if (/^[a-f0-9]{64}\.json$/.test(n) && fs.existsSync(p.slice(0, -5))) continue;
      await fs.promises.rm(p, { recursive: true, force: true });
    }
  }
}
