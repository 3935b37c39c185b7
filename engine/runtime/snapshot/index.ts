// Snapshots: a container's (or build step's) writable rootfs on top of image layers; the layers
// themselves are never modified.
//
// Layout under `<dataRoot>/snapshots/`:
//   chains/<chainID hex>/   the full tree of layers 0..n (unpacked once with engine/image/layer's
//                           safe applyLayer onto a copy of chain n-1, then renamed into place)
//   active/<key>/meta.json  { chain, mode }
//   active/<key>/upper,work,rootfs   overlay mode: rootfs = overlay(lower = chain, upper)
//   active/<key>/rootfs              copy mode: a copy of the chain dir
// Chains are whole trees (not per-layer diffs) because applyLayer applies in place (whiteouts
// delete); one chain per distinct layer stack keeps overlay mounts to a single lowerdir and makes
// the copy fallback a plain `cp -a`.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { applyLayer, writeLayerToFile, type LayerDigests, type LayerEntry } from '../../image/layer';
import type { IdMapping } from '../executor/idMapping';
import { INIT_DIRS, snapshotChanges, type SnapshotMeta } from './changes';
import { chainIds } from './chainId';
import { UsernsFiles } from './userns';

const execFileP = promisify(execFile);
const CP = '/bin/cp';
const MOUNT = '/bin/mount';
const UMOUNT = '/bin/umount';

/** One layer of the parent image: its diffID and a way to read its (possibly gzipped) tar. */
export interface LayerSource {
  diffID: string;
  open(): Promise<Readable>;
}

export type SnapshotMode = 'overlay' | 'copy';

type Meta = SnapshotMeta;


function validKey(key: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(key)) throw new Error(`invalid snapshot key: ${key}`);
  return key;
}

export class Snapshotter {
  private readonly chainsDir: string;
  private readonly activeDir: string;
  private readonly building = new Map<string, Promise<string>>();
  private modePromise?: Promise<SnapshotMode>;

  /** rootless with subordinate ids: copies, removals and unpacking run in the mapping's user namespace */
  private readonly userns?: UsernsFiles;

  /**
   * `mode`: force a mode; default = overlay when this process can mount one here, else copy.
   * `userns`: the id mapping of rootless containers (copy mode; their chains are kept apart, in
   * `chains-<subuid start>-<count>-<subgid start>-<count>/`, since they carry the mapped owners).
   */
  /** hears what unpacking could not do (device nodes that cannot be made without root) */
  private readonly warn?: (msg: string) => void;

  constructor(readonly root: string, private readonly forcedMode?: SnapshotMode, opts: { userns?: IdMapping; fileHelperCommand?: string[]; warn?: (msg: string) => void } = {}) {
    this.warn = opts.warn;
    const m = opts.userns;
    if (m) this.userns = new UsernsFiles(m, opts.fileHelperCommand);
    this.chainsDir = path.join(root, m ? `chains-${m.subuid.start}-${m.subuid.count}-${m.subgid.start}-${m.subgid.count}` : 'chains');
    this.activeDir = path.join(root, 'active');
    fs.mkdirSync(this.chainsDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.activeDir, { recursive: true, mode: 0o700 });
  }

  /** overlay when we are root and a probe mount works on this filesystem; copy otherwise. */
  mode(): Promise<SnapshotMode> {
    this.modePromise ??= this.userns ? Promise.resolve('copy') : this.forcedMode ? Promise.resolve(this.forcedMode) : this.probeOverlay();
    return this.modePromise;
  }

  private async probeOverlay(): Promise<SnapshotMode> {
    if (process.getuid?.() !== 0) return 'copy';
    const dir = fs.mkdtempSync(path.join(this.root, 'probe-'));
    try {
      for (const d of ['l', 'u', 'w', 'm']) fs.mkdirSync(path.join(dir, d));
      await execFileP(MOUNT, ['-t', 'overlay', 'overlay', '-o', `lowerdir=${dir}/l,upperdir=${dir}/u,workdir=${dir}/w`, `${dir}/m`]);
      await execFileP(UMOUNT, [`${dir}/m`]);
      return 'overlay';
    } catch {
      return 'copy';
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  private snapDir(key: string): string {
    return path.join(this.activeDir, validKey(key));
  }

  /** The rootfs path of snapshot `key` (mounted by `prepare`/`mount`). */
  rootfs(key: string): string {
    return path.join(this.snapDir(key), 'rootfs');
  }

  /** Unpacks (once) and returns the chain dir for `layers`; null for no layers. */
  private async chain(layers: LayerSource[]): Promise<string | null> {
    if (layers.length === 0) return null;
    const ids = chainIds(layers.map((l) => l.diffID));
    let parent: string | null = null;
    for (let i = 0; i < layers.length; i++) {
      const dir = path.join(this.chainsDir, ids[i].slice(7));
      if (!fs.existsSync(dir)) {
        let p = this.building.get(dir);
        if (!p) {
          p = this.buildChain(dir, parent, layers[i]).finally(() => this.building.delete(dir));
          this.building.set(dir, p);
        }
        await p;
      }
      parent = dir;
    }
    return parent;
  }

  private async buildChain(dir: string, parent: string | null, layer: LayerSource): Promise<string> {
    const tmp = `${dir}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      if (parent) await this.copyTree(parent, tmp);
      else fs.mkdirSync(tmp, { mode: 0o755 });
      const { skippedDevices } = this.userns ? await this.userns.applyLayer(await layer.open(), tmp) : await applyLayer(await layer.open(), tmp);
      // like rootless podman: a device node cannot be made without root (nor in a user namespace); the rest of the layer is there
      if (skippedDevices.length) {
        const shown = skippedDevices.slice(0, 5).map((p) => `/${p}`).join(', ');
        this.warn?.(`layer ${layer.diffID.slice(7, 19)}: ${skippedDevices.length} device node${skippedDevices.length > 1 ? 's' : ''} not created (rootless: device nodes cannot be made without root): ${shown}${skippedDevices.length > 5 ? ', …' : ''}`);
      }
      fs.renameSync(tmp, dir);
    } catch (e) {
      await this.removeTree(tmp).catch(() => undefined);
      if (!fs.existsSync(dir)) throw e;
    }
    return dir;
  }

  private async copyTree(from: string, to: string): Promise<void> {
    if (this.userns) await this.userns.copyTree(from, to);
    else await execFileP(CP, ['-a', '--reflink=auto', from, to]);
  }

  private async removeTree(dir: string): Promise<void> {
    if (this.userns && fs.existsSync(dir)) await this.userns.removeTree(dir);
    else await fs.promises.rm(dir, { recursive: true, force: true });
  }

  /**
   * Creates snapshot `key` on top of `layers` (in order, bottom first) and returns its rootfs.
   * Idempotent for an existing key (re-mounts it if needed).
   */
  async prepare(key: string, layers: LayerSource[]): Promise<string> {
    const dir = this.snapDir(key);
    if (fs.existsSync(path.join(dir, 'meta.json'))) return this.mount(key);
    const chain = await this.chain(layers);
    const mode = await this.mode();
    const tmp = `${dir}.tmp-${randomBytes(6).toString('hex')}`;
    fs.mkdirSync(tmp, { mode: 0o700 });
    try {
      if (mode === 'overlay') {
        for (const d of ['upper', 'work', 'rootfs']) fs.mkdirSync(path.join(tmp, d));
        if (!chain) fs.mkdirSync(path.join(tmp, 'lower'));
      } else if (chain) {
        await this.copyTree(chain, path.join(tmp, 'rootfs'));
      } else {
        fs.mkdirSync(path.join(tmp, 'rootfs'), { mode: 0o755 });
      }
      fs.writeFileSync(path.join(tmp, 'meta.json'), JSON.stringify({ chain, mode } satisfies Meta));
      fs.renameSync(tmp, dir);
    } catch (e) {
      await this.removeTree(tmp).catch(() => undefined);
      throw e;
    }
    const rootfs = await this.mount(key);
    this.addInitPaths(mode === 'overlay' ? path.join(dir, 'upper') : rootfs, chain);
    return rootfs;
  }

  private meta(key: string): Meta {
    return JSON.parse(fs.readFileSync(path.join(this.snapDir(key), 'meta.json'), 'utf8')) as Meta;
  }

  /** Mount points every container needs; created only where the image has nothing at that path. */
  private addInitPaths(base: string, chain: string | null) {
    const missing = (rel: string) => {
      try { fs.lstatSync(path.join(chain ?? '/nonexistent', rel)); return false; } catch { return true; }
    };
    for (const d of INIT_DIRS) if (missing(d) && !fs.existsSync(path.join(base, d))) fs.mkdirSync(path.join(base, d), { mode: 0o755 });
  }

  /** Ensures the rootfs of `key` is mounted (overlay mode; a reboot unmounts it) and returns it. */
  async mount(key: string): Promise<string> {
    const dir = this.snapDir(key);
    const meta = this.meta(key);
    const rootfs = path.join(dir, 'rootfs');
    if (meta.mode === 'overlay' && !(await isMountpoint(rootfs))) {
      const lower = meta.chain ?? path.join(dir, 'lower');
      await execFileP(MOUNT, ['-t', 'overlay', 'overlay', '-o',
        `lowerdir=${lower},upperdir=${dir}/upper,workdir=${dir}/work,index=off,redirect_dir=off,metacopy=off`, rootfs]);
    }
    return rootfs;
  }

  /** Unmounts an overlay snapshot (its content stays). */
  async unmount(key: string): Promise<void> {
    const rootfs = this.rootfs(key);
    if (await isMountpoint(rootfs)) await execFileP(UMOUNT, [rootfs]);
  }

  /** The filesystem changes of `key` relative to its layers, as sorted layer entries for writeLayer. */
  async changes(key: string): Promise<LayerEntry[]> {
    return this.userns ? this.userns.changes(this.snapDir(key)) : snapshotChanges(this.snapDir(key));
  }

  /** The changes of `key` written as a layer file in `outDir` (docker commit; a rootless build step's layer, uncompressed). */
  async writeChangesLayer(key: string, outDir: string, opts: { compression?: 'gzip' | 'none'; sourceDateEpoch?: number } = {}): Promise<LayerDigests & { file: string; entries: number }> {
    if (this.userns) return this.userns.writeChangesLayer(this.snapDir(key), outDir, opts);
    const entries = await snapshotChanges(this.snapDir(key));
    return { ...await writeLayerToFile(entries, outDir, opts), entries: entries.length };
  }

  /**
   * Rootless with subordinate ids: gives what snapshot `key` added or replaced (not the directories
   * its layers had) to the container ids uid:gid, in the user namespace (a build step's COPY
   * --chown or WORKDIR, whose files the daemon wrote as container root).
   */
  async own(key: string, uid: number, gid: number): Promise<void> {
    if (!this.userns) throw new Error('own() is for snapshots in a user namespace');
    await this.userns.own(this.snapDir(key), uid, gid);
  }

  /** Rootless with subordinate ids: where reads of a rootfs must happen (files of other container users are closed to the daemon). */
  get usernsFiles(): UsernsFiles | undefined {
    return this.userns;
  }

  /** `docker diff`: changed paths with Kind 0 = modified, 1 = added, 2 = deleted (parents of changes count as modified). */
  async changeKinds(key: string): Promise<{ Path: string; Kind: 0 | 1 | 2 }[]> {
    const meta = this.meta(key);
    const inLower = (rel: string) => !!meta.chain && fs.existsSync(path.join(meta.chain, rel));
    const out = new Map<string, 0 | 1 | 2>();
    const touchParents = (rel: string) => {
      for (let d = path.posix.dirname(rel); d !== '.' && d !== '/'; d = path.posix.dirname(d)) if (!out.has(`/${d}`)) out.set(`/${d}`, inLower(d) ? 0 : 1);
    };
    for (const e of await this.changes(key)) {
      const rel = e.name.replace(/\/+$/, '');
      const base = path.posix.basename(rel);
      if (base === '.wh..wh..opq') continue;
      if (base.startsWith('.wh.')) {
        const gone = path.posix.join(path.posix.dirname(rel), base.slice(4));
        out.set(`/${gone}`, 2);
        touchParents(gone);
        continue;
      }
      out.set(`/${rel}`, inLower(rel) ? 0 : 1);
      touchParents(rel);
    }
    return [...out.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([Path, Kind]) => ({ Path, Kind }));
  }

  /**
   * Gives snapshot `from` the key `to` (which must not exist). A mounted overlay moves with its
   * directory: the kernel keeps its upper and work dirs by reference, not by path.
   */
  rename(from: string, to: string): void {
    const dest = this.snapDir(to);
    if (fs.existsSync(dest)) throw new Error(`snapshot ${to} exists`);
    fs.renameSync(this.snapDir(from), dest);
  }

  /** Keys of all snapshots. */
  list(): string[] {
    return fs.readdirSync(this.activeDir).filter((n) => !n.includes('.tmp-'));
  }

  exists(key: string): boolean {
    return fs.existsSync(path.join(this.snapDir(key), 'meta.json'));
  }

  /** Unmounts and deletes snapshot `key` (no error when it does not exist). */
  async remove(key: string): Promise<void> {
    const dir = this.snapDir(key);
    if (!fs.existsSync(dir)) return;
    await this.unmount(key);
    const trash = `${dir}.tmp-rm-${randomBytes(6).toString('hex')}`;
    fs.renameSync(dir, trash);
    await this.removeTree(trash);
  }
}

/** True when `p` is a mount point (read from /proc/self/mountinfo; no process spawned). */
async function isMountpoint(p: string): Promise<boolean> {
  const target = path.resolve(p);
  const info = await fs.promises.readFile('/proc/self/mountinfo', 'utf8');
  const unescape = (s: string) => s.replace(/\\(\d{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
  return info.split('\n').some((l) => l && unescape(l.split(' ')[4] ?? '') === target);
}
