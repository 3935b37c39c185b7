// One container snapshot prepared ahead of time, like the spare monitor. Mounting an overlay means
// spawning mount(8) from the daemon, 5–9 ms of every `docker run` on this machine (most of it the
// fork of a large Node process), so the rootfs for the next container of the image last used is
// prepared and mounted while the daemon is idle; a create on the same layers takes it over by
// renaming its directory (see Snapshotter.rename) and pays nothing for the mount.
import { randomBytes } from 'node:crypto';
import { chainIds } from './chainId';
import type { LayerSource, Snapshotter } from './index';

/** Key prefix of spare snapshots: a restarted daemon removes them (ContainerManager.init). */
export const SPARE_PREFIX = 'spare-';

const chainOf = (layers: LayerSource[]) => chainIds(layers.map((l) => l.diffID)).pop() ?? 'empty';

export class SpareSnapshot {
  private spare?: { key: string; chain: string; ready: Promise<boolean> };
  private wanted?: { chain: string; layers: LayerSource[] };
  private timer?: NodeJS.Timeout;

  /** `delayMs`: how long after a container start or removal the spare is made (off their paths). */
  constructor(private readonly snapshots: Snapshotter, private readonly delayMs = 50, private readonly warn?: (msg: string) => void) {}

  /** Like Snapshotter.prepare: snapshot `key` on `layers`, the spare's rootfs when it has the same layers. */
  async prepare(key: string, layers: LayerSource[]): Promise<string> {
    const chain = chainOf(layers);
    this.wanted = { chain, layers };
    const s = this.spare;
    if (s?.chain === chain) {
      this.spare = undefined;
      if (await s.ready) {
        this.snapshots.rename(s.key, key);
        return this.snapshots.mount(key);
      }
    }
    return this.snapshots.prepare(key, layers);
  }

  /** Makes a spare for the layers last used in `delayMs`, unless one is there or on its way. */
  refillSoon(): void {
    if (!this.wanted || this.timer || this.spare?.chain === this.wanted.chain) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
    }, this.delayMs);
    this.timer.unref();
  }

  private refill(): void {
    const w = this.wanted;
    if (!w || this.spare?.chain === w.chain) return;
    const old = this.spare;
    if (old) void old.ready.then(() => this.snapshots.remove(old.key)).catch((e) => this.warn?.(`spare snapshot ${old.key}: ${(e as Error).message}`));
    const key = `${SPARE_PREFIX}${randomBytes(8).toString('hex')}`;
    const ready = this.snapshots.prepare(key, w.layers).then(() => true, async (e) => {
      this.warn?.(`spare snapshot: ${(e as Error).message}`);
      await this.snapshots.remove(key).catch(() => undefined);
      return false;
    });
    this.spare = { key, chain: w.chain, ready };
  }

  /** Stops making spares (daemon shutdown); the spare on disk goes at the next start. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.wanted = undefined;
  }
}
