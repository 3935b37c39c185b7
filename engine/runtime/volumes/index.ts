// Named volumes: `<dataRoot>/volumes/<name>/_data` plus `<name>/volume.json` (Docker's local driver layout).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { resolveInRoot } from '../../image/layer';

const execFileP = promisify(execFile);
const CP = '/bin/cp';

export interface Volume {
  Name: string;
  Driver: 'local';
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Scope: 'local';
  Options: Record<string, string>;
}

interface VolumeMeta {
  createdAt: string;
  labels: Record<string, string>;
  options: Record<string, string>;
  /** image content was copied in (or the volume was used) — never copy again */
  populated: boolean;
  anonymous?: boolean;
}

export class VolumeError extends Error {
  constructor(readonly status: 404 | 409 | 400, message: string) {
    super(message);
  }
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export interface VolumeStoreOptions {
  /**
   * Copies the content and the attributes of directory `from` into the existing directory `to`
   * (`cp -a from/. to/`). Rootless with subordinate ids it runs in the containers' user namespace,
   * so files of other container users are read and keep their owners.
   */
  copyContents?: (from: string, to: string) => Promise<void>;
  /** Removes a volume directory whose files may belong to other container users (rootless). */
  removeTreeSync?: (dir: string) => void;
}

export class VolumeStore {
  constructor(readonly root: string, private readonly opts: VolumeStoreOptions = {}) {
    fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  }

  private dir(name: string): string {
    if (!NAME.test(name)) throw new VolumeError(400, `volume name "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed`);
    return path.join(this.root, name);
  }

  private meta(name: string): VolumeMeta | undefined {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.dir(name), 'volume.json'), 'utf8')) as VolumeMeta;
    } catch {
      return undefined;
    }
  }

  private writeMeta(name: string, meta: VolumeMeta): void {
    const file = path.join(this.dir(name), 'volume.json');
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(meta));
    fs.renameSync(`${file}.tmp`, file);
  }

  private view(name: string, meta: VolumeMeta): Volume {
    return { Name: name, Driver: 'local', Mountpoint: path.join(this.dir(name), '_data'), CreatedAt: meta.createdAt, Labels: meta.labels, Scope: 'local', Options: meta.options };
  }

  /** Creates a volume (idempotent for an existing name, like Docker); no name = anonymous. */
  create(name?: string, opts: { labels?: Record<string, string>; options?: Record<string, string> } = {}): Volume {
    const n = name || randomBytes(32).toString('hex');
    const existing = this.meta(n);
    if (existing) return this.view(n, existing);
    const dir = this.dir(n);
    fs.mkdirSync(path.join(dir, '_data'), { recursive: true, mode: 0o755 });
    const meta: VolumeMeta = { createdAt: new Date().toISOString(), labels: opts.labels ?? {}, options: opts.options ?? {}, populated: false, anonymous: !name };
    this.writeMeta(n, meta);
    return this.view(n, meta);
  }

  get(name: string): Volume {
    const meta = this.meta(name);
    if (!meta) throw new VolumeError(404, `get ${name}: no such volume`);
    return this.view(name, meta);
  }

  isAnonymous(name: string): boolean {
    return !!this.meta(name)?.anonymous;
  }

  list(): Volume[] {
    return fs.readdirSync(this.root).flatMap((n) => {
      const m = NAME.test(n) ? this.meta(n) : undefined;
      return m ? [this.view(n, m)] : [];
    });
  }

  /**
   * Like Docker on first use: an empty, never-populated volume receives the image's content at
   * `target` (resolved inside `rootfs`, copied with `cp -a` from that confined path), owners and
   * modes kept, and the directory's own owner and mode also when it is empty (dockerd's
   * copyOwnership).
   */
  async populate(name: string, rootfs: string, target: string): Promise<void> {
    const meta = this.meta(name);
    if (!meta || meta.populated) return;
    const data = path.join(this.dir(name), '_data');
    if (fs.readdirSync(data).length === 0) {
      const { hostPath } = await resolveInRoot(rootfs, target, { followFinal: true });
      const st = await fs.promises.lstat(hostPath).catch(() => undefined);
      if (st?.isDirectory()) {
        if (this.opts.copyContents) await this.opts.copyContents(hostPath, data);
        else await execFileP(CP, ['-a', `${hostPath}/.`, `${data}/`]);
      }
    }
    this.writeMeta(name, { ...meta, populated: true });
  }

  remove(name: string, inUseBy: string[] = [], force = false): void {
    if (!this.meta(name)) {
      if (force) return;
      throw new VolumeError(404, `get ${name}: no such volume`);
    }
    if (inUseBy.length) throw new VolumeError(409, `remove ${name}: volume is in use - [${inUseBy.join(', ')}]`);
    if (this.opts.removeTreeSync) this.opts.removeTreeSync(this.dir(name));
    else fs.rmSync(this.dir(name), { recursive: true, force: true });
  }

  /** Removes unused volumes (anonymous ones only unless `all`); returns names and bytes freed. */
  prune(inUse: Set<string>, all = false, keep: (v: Volume) => boolean = () => true): { deleted: string[]; reclaimed: number } {
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const v of this.list()) {
      if (inUse.has(v.Name) || (!all && !this.isAnonymous(v.Name)) || !keep(v)) continue;
      reclaimed += dirSize(v.Mountpoint);
      this.remove(v.Name);
      deleted.push(v.Name);
    }
    return { deleted, reclaimed };
  }
}

export function dirSize(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else total += fs.lstatSync(p).size;
    }
  };
  try { walk(dir); } catch { /* vanished */ }
  return total;
}
