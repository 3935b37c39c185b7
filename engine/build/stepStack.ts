/**
 * Consecutive uncached steps of a stage as stacked overlay layers: each step mounts
 * `lowerdir=<previous steps' upper dirs>:<base view>` with a fresh upper dir, so a step never waits
 * for the previous layer to be unpacked into a new full tree (the Snapshotter's chains are whole
 * trees, built by copying). The base view is a Snapshotter snapshot of the layers the stack starts
 * from; committed upper dirs keep overlay's own whiteouts/opaque markers and serve as lower layers
 * as they are. Everything lives under one directory per build and is removed with it.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffOverlayUpper, hostCommandOk, type LayerEntry } from '../image/layer';
import { BOOT_ID } from './layerDirs';

/** mount/umount through the host command helper (no fork of the daemon per step). */
const execFileP = (file: string, args: string[]) => hostCommandOk([file, ...args]);
const MOUNT = '/bin/mount';
const UMOUNT = '/bin/umount';
const OPTIONS = 'index=off,redirect_dir=off,metacopy=off';

/**
 * Step mounts are `volatile` (Linux 5.10+): unmounting an overlay otherwise syncs its upper's whole
 * filesystem (measured 15-20 ms after a COPY of 1,000 files, more on a busy disk), on every step's
 * path. The kept layer dirs carry the boot they were written in until one later `sync -f` (see
 * layerDirs.ts, Durability); layer tars are fsynced by the content store. Without a boot id to
 * tell a crash of the machine by, mounts are not volatile.
 */
let volatileOk: boolean | undefined = BOOT_ID ? undefined : false;

/** The longest `lowerdir=` option we build: mount options must fit in a page (4096 bytes) with the rest. */
export const MAX_LOWERDIR = 3000;

/** Mount points the runtime creates when missing (kept out of layers, like Docker's init layer). */
const INIT_PATHS = ['proc', 'dev', 'sys', 'etc/hosts', 'etc/hostname', 'etc/resolv.conf'];

export interface Stack {
  /** Rootfs of the base view (a Snapshotter snapshot). */
  base: string;
  /** Committed upper dirs, bottom first. */
  uppers: string[];
  /** How many image layers the stack represents (base layers + non-empty steps). */
  covered: number;
}

export interface StepMount {
  rootfs: string;
  /** Unmounts; then `changes()` gives the layer entries and `commit()` pushes the upper on the stack. */
  unmount(): Promise<void>;
  /** `xattrs: false`: the step is known to have made no xattrs, opaque dirs or whiteouts (see diffOverlayUpper). */
  changes(opts?: { xattrs?: boolean }): Promise<LayerEntry[]>;
  /**
   * Removes from the (unmounted) upper dir the mount points the runtime created that `changes()`
   * leaves out, so the dir holds exactly the layer (before it is kept as a layer directory).
   */
  dropInitStubs(): void;
  /** Unmounts and removes the step's dirs (an upper given to mountStep is the caller's). */
  discard(): Promise<void>;
  upper: string;
}

/** overlay's `lowerdir` for a stack: the newest layer first. */
export function lowerdirOf(stack: Pick<Stack, 'base' | 'uppers'>): string {
  return [...stack.uppers].reverse().concat(stack.base).join(':');
}

export class StepStacks {
  private readonly mounted = new Set<string>();
  private readonly dir: string;

  constructor(buildRoot: string) {
    this.dir = path.join(buildRoot, 'steps', randomBytes(8).toString('hex'));
  }

  private lowerdir(stack: Stack): string {
    return lowerdirOf(stack);
  }

  /**
   * Mounts a writable step on top of `stack`. `upper`: an empty dir on the same filesystem to use
   * as the upper dir (the builder's layer dirs); by default one in the step's dir (removed with it).
   */
  async mountStep(stack: Stack, upperDir?: string): Promise<StepMount> {
    const d = path.join(this.dir, randomBytes(6).toString('hex'));
    const upper = upperDir ?? path.join(d, 'upper');
    const work = path.join(d, 'work');
    const rootfs = path.join(d, 'rootfs');
    for (const x of upperDir ? [work, rootfs] : [upper, work, rootfs]) await fs.promises.mkdir(x, { recursive: true, mode: 0o755 });
    const options = `lowerdir=${this.lowerdir(stack)},upperdir=${upper},workdir=${work},${OPTIONS}`;
    if (volatileOk !== false) {
      try {
        await execFileP(MOUNT, ['-t', 'overlay', 'overlay', '-o', `${options},volatile`, rootfs]);
        volatileOk = true;
      } catch (e) {
        if (volatileOk) throw e;
        volatileOk = false; // a kernel before 5.10
      }
    }
    if (!volatileOk) await execFileP(MOUNT, ['-t', 'overlay', 'overlay', '-o', options, rootfs]);
    this.mounted.add(rootfs);
    const preexisting = new Set(INIT_PATHS.filter((p) => fs.existsSync(path.join(rootfs, p))));
    const unmount = async () => {
      if (!this.mounted.delete(rootfs)) return;
      await execFileP(UMOUNT, [rootfs]);
    };
    return {
      rootfs,
      upper,
      unmount,
      changes: async (opts) => (await diffOverlayUpper(upper, undefined, opts)).filter((e) => {
        const name = e.name.replace(/\/+$/, '');
        return !(INIT_PATHS.includes(name) && !preexisting.has(name));
      }),
      dropInitStubs: () => {
        for (const p of INIT_PATHS) if (!preexisting.has(p)) fs.rmSync(path.join(upper, p), { recursive: true, force: true });
      },
      discard: async () => {
        await unmount();
        await fs.promises.rm(d, { recursive: true, force: true });
      },
    };
  }

  /** A read-only view of everything in `stack` (for COPY --from / mounts from a stage). */
  async view(stack: Stack): Promise<{ root: string; release: () => Promise<void> }> {
    if (stack.uppers.length === 0) return { root: stack.base, release: async () => undefined };
    const root = path.join(this.dir, `view-${randomBytes(6).toString('hex')}`);
    await fs.promises.mkdir(root, { recursive: true });
    await execFileP(MOUNT, ['-t', 'overlay', 'overlay', '-o', `ro,lowerdir=${this.lowerdir(stack)},${OPTIONS}`, root]);
    this.mounted.add(root);
    return {
      root,
      release: async () => {
        if (this.mounted.delete(root)) await execFileP(UMOUNT, [root]).catch(() => undefined);
      },
    };
  }

  /** Unmounts everything and removes the build's step dirs. */
  async dispose(): Promise<void> {
    for (const m of [...this.mounted].reverse()) await execFileP(UMOUNT, [m]).catch(() => execFileP(UMOUNT, ['-l', m]).catch(() => undefined));
    this.mounted.clear();
    await fs.promises.rm(this.dir, { recursive: true, force: true });
  }
}
