/**
 * The content-based build cache under `<dataRoot>/build/cache/`: one JSON file per step key
 * holding the image state after the step (config + layer descriptors). Keys chain the parent key,
 * the expanded instruction, the build args it sees and the content hash of COPY/ADD sources — so
 * only builds made here are cache sources (pulled images never are: CVE-2024-24557), and every
 * config field is covered because the state itself is the parent of the next key.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContentStore, Descriptor, ImageConfig } from '../image';

export interface StepState {
  config: ImageConfig;
  layers: Descriptor[];
}

export interface CacheEntry extends StepState {
  key: string;
  parent: string;
  description: string;
  /** Bytes of the layer this step added (0 for metadata steps). */
  size: number;
  createdAt: string;
  lastUsedAt: string;
  usageCount: number;
}

/**
 * A record is replaced atomically (temp file, rename) but not fsynced: one lost, emptied or torn by
 * a crash of the machine is only a cache miss (`get` and `entries` take valid JSON only), and the
 * layer blobs a record names are durable before it is written (the content store fsyncs them).
 * Two fsyncs per step (file and directory) cost 1-10 ms each on the build's path, more on a busy disk.
 */
async function writeRecord(file: string, data: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.promises.writeFile(tmp, data, { flag: 'wx', mode: 0o600 });
  try {
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}

export function stepKey(parent: string, parts: unknown[]): string {
  return `sha256:${createHash('sha256').update(JSON.stringify([parent, ...parts])).digest('hex')}`;
}

export class BuildCache {
  readonly dir: string;

  constructor(buildRoot: string, private readonly content: ContentStore) {
    this.dir = path.join(buildRoot, 'cache');
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  private file(key: string): string {
    if (!/^sha256:[a-f0-9]{64}$/.test(key)) throw new Error(`invalid cache key ${key}`);
    return path.join(this.dir, `${key.slice(7)}.json`);
  }

  /** The cached state for `key`, if every layer blob it needs is still in the content store. */
  async get(key: string): Promise<CacheEntry | undefined> {
    let entry: CacheEntry;
    try {
      entry = JSON.parse(await fs.promises.readFile(this.file(key), 'utf8')) as CacheEntry;
    } catch {
      return undefined;
    }
    for (const l of entry.layers) if (!(await this.content.has(l.digest))) return undefined;
    entry.lastUsedAt = new Date().toISOString();
    entry.usageCount++;
    await writeRecord(this.file(key), JSON.stringify(entry)).catch(() => undefined);
    return entry;
  }

  async put(key: string, parent: string, description: string, state: StepState, size: number): Promise<void> {
    const now = new Date().toISOString();
    const entry: CacheEntry = { key, parent, description, size, createdAt: now, lastUsedAt: now, usageCount: 0, ...state };
    await writeRecord(this.file(key), JSON.stringify(entry));
  }

  async entries(): Promise<CacheEntry[]> {
    const out: CacheEntry[] = [];
    for (const n of await fs.promises.readdir(this.dir)) {
      if (!n.endsWith('.json')) continue;
      try {
        out.push(JSON.parse(await fs.promises.readFile(path.join(this.dir, n), 'utf8')) as CacheEntry);
      } catch { /* a concurrent prune */ }
    }
    return out;
  }

  /** Every layer blob the entries need: GC roots for the image store, so pruning images keeps them. */
  async layerDigests(): Promise<string[]> {
    return (await this.entries()).flatMap((e) => e.layers.map((l) => l.digest));
  }

  /** Deletes every entry; returns the ids and the layer bytes they accounted for. */
  async prune(): Promise<{ deleted: string[]; bytes: number }> {
    const deleted: string[] = [];
    let bytes = 0;
    for (const e of await this.entries()) {
      await fs.promises.rm(this.file(e.key), { force: true });
      deleted.push(e.key.slice(7));
      bytes += e.size;
    }
    return { deleted, bytes };
  }
}
