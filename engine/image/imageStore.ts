// Image records on top of the content store. Like Docker, an image ID is the digest of its config.
// Metadata lives in `<root>/images/<hex>.json` (one record per image) and `<root>/references.json`
// (full reference → image ID); every change is made under one file lock and written atomically.
// Blobs are kept alive by reachability from image records (the manifests they list), which is the
// reference count GC uses: a blob no record reaches is garbage.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContentStore } from './contentStore';
import { assertDigest, digestHex, isDigest, shortId } from './digest';
import { ImageError, notFound } from './errors';
import { withFileLock, writeFileAtomic } from './fileLock';
import { familiarString, isFullImageId, parseDockerRef, parseReference, referenceString, repositoryName, type Reference } from './reference';
import { MediaTypes, type Descriptor, type HistoryEntry, type ImageConfig, type ImageManifest } from './types';

export interface ImageRecord {
  /** `sha256:` digest of the config blob. */
  id: string;
  /** Platform manifests stored for this image (the first is the one pushed/saved). */
  manifests: Descriptor[];
  /** Indexes (manifest lists) this image was pulled through, kept so `name@<index digest>` works. */
  indexes?: Descriptor[];
  /** Total uncompressed layer size in bytes. */
  size: number;
  /** When the record was added (RFC 3339). */
  addedAt: string;
}

export interface ImageSummary {
  id: string;
  parentId: string;
  repoTags: string[];
  repoDigests: string[];
  /** Unix seconds, from the config's `created`. */
  created: number;
  size: number;
  labels: Record<string, string>;
}

export interface ImageDetails extends ImageSummary {
  config: ImageConfig;
  manifest: Descriptor;
  layers: Descriptor[];
  record: ImageRecord;
}

export interface HistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

export type DeleteResponseItem = { Untagged: string } | { Deleted: string };

export interface ContainerUse {
  id: string;
  running: boolean;
}

export interface DeleteOptions {
  force?: boolean;
  noprune?: boolean;
  /** Containers using each image ID (the caller knows containers; the store does not). */
  containersUsing?: (imageId: string) => ContainerUse[];
}

type RefTable = Record<string, string>;

export class ImageStore {
  readonly content: ContentStore;
  private readonly imagesDir: string;
  private readonly refsFile: string;
  private readonly lockFile: string;
  private readonly rootProviders: Array<() => Promise<Iterable<string>>> = [];

  constructor(readonly root: string) {
    this.content = new ContentStore(root);
    this.imagesDir = path.join(root, 'images');
    this.refsFile = path.join(root, 'references.json');
    this.lockFile = path.join(root, 'metadata');
    fs.mkdirSync(this.imagesDir, { recursive: true, mode: 0o700 });
  }

  /** Runs `fn` with exclusive access to the metadata (across processes). */
  locked<T>(fn: () => Promise<T>): Promise<T> {
    return withFileLock(this.lockFile, fn);
  }

  // ---------- reading ----------

  async records(): Promise<ImageRecord[]> {
    const out: ImageRecord[] = [];
    for (const n of await fs.promises.readdir(this.imagesDir)) {
      if (!/^[a-f0-9]{64}\.json$/.test(n)) continue;
      const rec = await this.record(`sha256:${n.slice(0, 64)}`);
      if (rec) out.push(rec);
    }
    return out;
  }

  async record(id: string): Promise<ImageRecord | undefined> {
    try {
      return JSON.parse(await fs.promises.readFile(path.join(this.imagesDir, `${digestHex(id)}.json`), 'utf8')) as ImageRecord;
    } catch {
      return undefined;
    }
  }

  async references(): Promise<RefTable> {
    try {
      return JSON.parse(await fs.promises.readFile(this.refsFile, 'utf8')) as RefTable;
    } catch {
      return {};
    }
  }

  /**
   * Finds an image like Docker's GetImage: a full ID, a reference (`busybox` = `busybox:latest`,
   * `name@digest`), then a unique ID prefix. Throws ImageError('notFound') otherwise.
   */
  async resolve(refOrId: string): Promise<ImageRecord> {
    const id = await this.resolveId(refOrId);
    const rec = id && (await this.record(id));
    if (!rec) throw notFound(refOrId);
    return rec;
  }

  private async resolveId(refOrId: string): Promise<string | undefined> {
    if (isFullImageId(refOrId)) {
      const id = refOrId.startsWith('sha256:') ? refOrId : `sha256:${refOrId}`;
      if (await this.record(id)) return id;
    }
    const refs = await this.references();
    let ref: Reference | undefined;
    try {
      ref = parseDockerRef(refOrId);
    } catch { /* not a reference: maybe an ID prefix */ }
    if (ref) {
      const key = referenceString(ref);
      if (refs[key]) return refs[key];
      if (ref.digest) {
        // name@digest also finds the image through its manifest or index digest
        for (const rec of await this.records()) {
          if (rec.manifests.some((m) => m.digest === ref!.digest) || rec.indexes?.some((m) => m.digest === ref!.digest)) {
            if (Object.entries(refs).some(([k, v]) => v === rec.id && repositoryName(parseReference(k)) === repositoryName(ref!))) return rec.id;
          }
        }
      }
    }
    const prefix = refOrId.replace(/^sha256:/, '');
    if (/^[a-f0-9]{1,64}$/.test(prefix)) {
      const matches = (await fs.promises.readdir(this.imagesDir)).filter((n) => n.endsWith('.json') && n.startsWith(prefix));
      if (matches.length > 1) throw new ImageError('invalidArgument', `ambiguous image ID prefix: ${refOrId}`);
      if (matches.length === 1) return `sha256:${matches[0].slice(0, 64)}`;
    }
    return undefined;
  }

  async config(rec: ImageRecord): Promise<ImageConfig> {
    return this.content.readJson<ImageConfig>(rec.id);
  }

  async manifest(rec: ImageRecord): Promise<{ descriptor: Descriptor; manifest: ImageManifest }> {
    for (const d of rec.manifests) {
      if (await this.content.has(d.digest)) return { descriptor: d, manifest: await this.content.readJson<ImageManifest>(d.digest) };
    }
    throw new ImageError('notFound', `no manifest stored for image ${rec.id}`);
  }

  private tagsAndDigests(id: string, refs: RefTable): { repoTags: string[]; repoDigests: string[] } {
    const repoTags: string[] = [];
    const repoDigests: string[] = [];
    for (const [k, v] of Object.entries(refs)) {
      if (v !== id) continue;
      const r = parseReference(k);
      (r.digest ? repoDigests : repoTags).push(familiarString(r));
    }
    return { repoTags: repoTags.sort(), repoDigests: repoDigests.sort() };
  }

  async list(): Promise<ImageSummary[]> {
    const refs = await this.references();
    const out: ImageSummary[] = [];
    for (const rec of await this.records()) {
      const cfg = await this.config(rec).catch(() => undefined);
      if (!cfg) continue;
      out.push(this.summary(rec, cfg, refs));
    }
    return out.sort((a, b) => b.created - a.created);
  }

  private summary(rec: ImageRecord, cfg: ImageConfig, refs: RefTable): ImageSummary {
    return {
      id: rec.id,
      parentId: typeof cfg.parent === 'string' ? cfg.parent : '',
      ...this.tagsAndDigests(rec.id, refs),
      created: cfg.created ? Math.floor(Date.parse(cfg.created) / 1000) : 0,
      size: rec.size,
      labels: cfg.config?.Labels ?? {},
    };
  }

  async inspect(refOrId: string): Promise<ImageDetails> {
    const rec = await this.resolve(refOrId);
    const cfg = await this.config(rec);
    const { descriptor, manifest } = await this.manifest(rec);
    return { ...this.summary(rec, cfg, await this.references()), config: cfg, manifest: descriptor, layers: manifest.layers, record: rec };
  }

  /** `docker history`: newest first; the top row carries the image ID, the others `<missing>`. */
  async history(refOrId: string): Promise<HistoryItem[]> {
    const d = await this.inspect(refOrId);
    const hist: HistoryEntry[] = d.config.history?.length ? d.config.history : d.layers.map(() => ({}));
    const sizes = await Promise.all(d.layers.map((l) => this.content.layerInfo(l.digest).then((i) => i.uncompressedSize)));
    let layer = 0;
    const rows = hist.map((h) => ({
      Id: '<missing>',
      Created: h.created ? Math.floor(Date.parse(h.created) / 1000) : 0,
      CreatedBy: h.created_by ?? '',
      Tags: null as string[] | null,
      Size: h.empty_layer ? 0 : sizes[layer++] ?? 0,
      Comment: h.comment ?? '',
    }));
    rows.reverse();
    if (rows.length) {
      rows[0].Id = d.id;
      rows[0].Tags = d.repoTags.length ? d.repoTags : null;
    }
    return rows;
  }

  /**
   * Startup recovery after a crash (kill -9 mid-pull or mid-load): removes ingest temp files of
   * dead processes and leftover load dirs. Blobs under a digest are always complete (rename is
   * the commit point), records are written before references, so nothing else needs repair.
   */
  async recover(): Promise<void> {
    await this.content.cleanIngest();
    const tmp = path.join(this.root, 'tmp');
    for (const n of await fs.promises.readdir(tmp).catch(() => [] as string[])) {
      const st = await fs.promises.stat(path.join(tmp, n)).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > 60 * 60_000) await fs.promises.rm(path.join(tmp, n), { recursive: true, force: true });
    }
  }

  // ---------- writing ----------

  /**
   * Records an image whose manifest (and config and layers) are already in the content store.
   * `index` is the index/manifest list it was reached through, if any. Returns the record.
   */
  async addImage(manifestDesc: Descriptor, opts: { index?: Descriptor; refs?: Reference[] } = {}): Promise<ImageRecord> {
    const manifest = await this.content.readJson<ImageManifest>(manifestDesc.digest);
    if (!manifest.config || !Array.isArray(manifest.layers)) throw new ImageError('invalidArgument', `${manifestDesc.digest} is not an image manifest`);
    const id = assertDigest(manifest.config.digest);
    const cfg = await this.content.readJson<ImageConfig>(id);
    const diffIds = cfg.rootfs?.diff_ids ?? [];
    if (diffIds.length !== manifest.layers.length) {
      throw new ImageError('invalidArgument', `image config lists ${diffIds.length} layers but the manifest has ${manifest.layers.length}`);
    }
    let size = 0;
    for (const [i, l] of manifest.layers.entries()) {
      const info = await this.content.layerInfo(l.digest);
      if (info.diffId !== diffIds[i]) {
        throw new ImageError('invalidArgument', `layer ${l.digest} uncompresses to ${info.diffId}, but the config expects ${diffIds[i]}`);
      }
      size += info.uncompressedSize;
    }
    const desc: Descriptor = { mediaType: manifestDesc.mediaType || manifest.mediaType || MediaTypes.ociManifest, digest: manifestDesc.digest, size: manifestDesc.size };
    return this.locked(async () => {
      const prev = await this.record(id);
      const rec: ImageRecord = prev ?? { id, manifests: [], size, addedAt: new Date().toISOString() };
      if (!rec.manifests.some((m) => m.digest === desc.digest)) rec.manifests.push(desc);
      if (opts.index && !rec.indexes?.some((m) => m.digest === opts.index!.digest)) {
        rec.indexes = [...(rec.indexes ?? []), { mediaType: opts.index.mediaType, digest: opts.index.digest, size: opts.index.size }];
      }
      await writeFileAtomic(path.join(this.imagesDir, `${digestHex(id)}.json`), JSON.stringify(rec));
      if (opts.refs?.length) {
        const refs = await this.references();
        for (const r of opts.refs) refs[referenceString(r)] = id;
        await writeFileAtomic(this.refsFile, JSON.stringify(refs, null, 1));
      }
      return rec;
    });
  }

  /**
   * Creates an image from a config (object, or exact bytes) and layer descriptors whose blobs are
   * already stored (builder, commit, import, load): writes the config and an OCI manifest, then
   * records the image.
   */
  async putImage(config: ImageConfig | Buffer, layers: Descriptor[], opts: { refs?: Reference[] } = {}): Promise<ImageRecord> {
    // raw bytes keep the config digest (= image ID) of an image made elsewhere
    const cfgBuf = Buffer.isBuffer(config) ? config : Buffer.from(JSON.stringify(config));
    const cfg = await this.content.put(cfgBuf);
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: { mediaType: MediaTypes.ociConfig, digest: cfg.digest, size: cfg.size },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    };
    const mBuf = Buffer.from(JSON.stringify(manifest));
    const m = await this.content.put(mBuf);
    return this.addImage({ mediaType: MediaTypes.ociManifest, digest: m.digest, size: m.size }, opts);
  }

  /** `docker tag SOURCE TARGET`. */
  async tag(source: string, target: string): Promise<void> {
    const rec = await this.resolve(source);
    const ref = parseReference(target);
    if (ref.digest) throw new ImageError('invalidArgument', 'refusing to create a tag with a digest reference');
    const r = { ...ref, tag: ref.tag ?? 'latest' };
    await this.locked(async () => {
      const refs = await this.references();
      refs[referenceString(r)] = rec.id;
      await writeFileAtomic(this.refsFile, JSON.stringify(refs, null, 1));
    });
  }

  /** Removes one reference; returns false if it did not exist. */
  async untag(reference: string): Promise<boolean> {
    const key = referenceString(parseDockerRef(reference));
    return this.locked(async () => {
      const refs = await this.references();
      if (!(key in refs)) return false;
      delete refs[key];
      await writeFileAtomic(this.refsFile, JSON.stringify(refs, null, 1));
      return true;
    });
  }

  /** `docker rmi` with Docker's untag-vs-delete rules and conflict messages. */
  async delete(refOrId: string, opts: DeleteOptions = {}): Promise<DeleteResponseItem[]> {
    const rec = await this.resolve(refOrId);
    const id = rec.id;
    const out: DeleteResponseItem[] = [];
    const using = opts.containersUsing?.(id) ?? [];
    const byId = await this.isIdReference(refOrId, id);
    return this.locked(async () => {
      const refs = await this.references();
      const refsOf = () => Object.keys(refs).filter((k) => refs[k] === id).map((k) => parseReference(k));
      if (!byId) {
        const ref = parseDockerRef(refOrId);
        const key = referenceString(ref);
        if (!opts.force && using.length && isSingleReference(refsOf())) {
          throw new ImageError('conflict', `conflict: unable to remove repository reference "${refOrId}" (must force) - container ${shortId(using[0].id)} is using its referenced image ${shortId(id)}`);
        }
        delete refs[key];
        out.push({ Untagged: familiarString(ref) });
        if (!ref.digest && !refsOf().some((r) => !r.digest && repositoryName(r) === repositoryName(ref))) {
          // the last tag of this repository went away: its digest references go too (like Docker)
          for (const r of refsOf()) {
            if (r.digest && repositoryName(r) === repositoryName(ref)) {
              delete refs[referenceString(r)];
              out.push({ Untagged: familiarString(r) });
            }
          }
        }
        if (refsOf().length || using.length) {
          await writeFileAtomic(this.refsFile, JSON.stringify(refs, null, 1));
          return out;
        }
      } else {
        // Docker's checkImageDeleteConflict order: child images, running containers, other
        // references, stopped containers
        if ((await this.children(id)).length) throw conflict(id, true, 'image has dependent child images');
        const running = using.find((c) => c.running);
        if (running) throw conflict(id, true, `image is being used by running container ${shortId(running.id)}`);
        if (!opts.force && refsOf().length && !isSingleReference(refsOf())) throw conflict(id, false, 'image is referenced in multiple repositories');
        if (!opts.force && using.length) throw conflict(id, false, `image is being used by stopped container ${shortId(using[0].id)}`);
        for (const r of refsOf()) {
          delete refs[referenceString(r)];
          out.push({ Untagged: familiarString(r) });
        }
      }
      await writeFileAtomic(this.refsFile, JSON.stringify(refs, null, 1));
      const blobs = await this.blobsOf(rec);
      await this.removeRecord(id, out);
      if (!opts.noprune) await this.pruneParents(rec, refs, out);
      // like Docker, deleting an image frees its layers at once unless another image shares them
      await this.collect(blobs, 0);
      return out;
    });
  }

  private async isIdReference(refOrId: string, id: string): Promise<boolean> {
    const s = refOrId.replace(/^sha256:/, '');
    if (!/^[a-f0-9]+$/.test(s) || !digestHex(id).startsWith(s)) return false;
    // a hex string that is also a tag (e.g. `cafe:latest`) is a reference, like in Docker
    try {
      return !(referenceString(parseDockerRef(refOrId)) in (await this.references()));
    } catch {
      return true;
    }
  }

  private async children(id: string): Promise<string[]> {
    const out: string[] = [];
    for (const rec of await this.records()) {
      const cfg = await this.config(rec).catch(() => undefined);
      if (cfg?.parent === id) out.push(rec.id);
    }
    return out;
  }

  private async removeRecord(id: string, out: DeleteResponseItem[]): Promise<void> {
    await fs.promises.rm(path.join(this.imagesDir, `${digestHex(id)}.json`), { force: true });
    out.push({ Deleted: id });
  }

  /** Deletes untagged, unused parents left behind by a deleted child (classic-builder chains). */
  private async pruneParents(rec: ImageRecord, refs: RefTable, out: DeleteResponseItem[]): Promise<void> {
    let parent = (await this.content.readJson<ImageConfig>(rec.id).catch(() => undefined))?.parent;
    while (parent && isDigest(parent)) {
      const p = await this.record(parent);
      if (!p || Object.values(refs).includes(parent) || (await this.children(parent)).length) return;
      await this.removeRecord(parent, out);
      parent = (await this.content.readJson<ImageConfig>(parent).catch(() => undefined))?.parent;
    }
  }

  /**
   * `docker image prune`: dangling images (no tags), or with `all` every image no container uses.
   * `keep` can veto an image (label/until filters are evaluated by the caller).
   */
  async prune(opts: { all?: boolean; inUse?: Set<string>; keep?: (s: ImageSummary) => boolean } = {}): Promise<{ deleted: DeleteResponseItem[]; spaceReclaimed: number }> {
    const deleted: DeleteResponseItem[] = [];
    for (const s of await this.list()) {
      if (opts.inUse?.has(s.id) || opts.keep?.(s)) continue;
      if (!opts.all && s.repoTags.length) continue;
      if ((await this.children(s.id)).length) continue;
      deleted.push(...(await this.delete(s.id, { force: true })));
    }
    const gc = await this.gc();
    return { deleted, spaceReclaimed: gc.bytes };
  }

  /**
   * Adds a source of GC roots: blobs other components keep alive without an image record (e.g.
   * the build cache's layers). Called on every collection.
   */
  addGcRoots(provider: () => Promise<Iterable<string>>): void {
    this.rootProviders.push(provider);
  }

  /**
   * Deletes blobs no image record (or registered root) reaches. Blobs younger than `graceMs` are
   * kept: another process may have just ingested them for an image it has not recorded yet.
   */
  async gc(opts: { graceMs?: number } = {}): Promise<{ removed: string[]; bytes: number }> {
    return this.locked(async () => {
      const r = await this.collect(await this.content.list(), opts.graceMs ?? 10 * 60_000);
      await this.content.cleanIngest();
      return r;
    });
  }

  /** Removes the unreachable blobs among `candidates` (caller holds the lock). */
  private async collect(candidates: string[], graceMs: number): Promise<{ removed: string[]; bytes: number }> {
    const live = new Set<string>();
    for (const provider of this.rootProviders) for (const d of await provider()) live.add(d);
    for (const rec of await this.records()) for (const d of await this.blobsOf(rec)) live.add(d);
    const removed: string[] = [];
    let bytes = 0;
    const now = Date.now();
    for (const d of candidates) {
      if (live.has(d) || this.content.isIngesting(d)) continue;
      const st = await fs.promises.stat(this.content.blobPath(d)).catch(() => undefined);
      if (!st || now - st.mtimeMs < graceMs) continue;
      await this.content.delete(d);
      removed.push(d);
      bytes += st.size;
    }
    return { removed, bytes };
  }

  /** Every blob an image record keeps alive: config, indexes, manifests and their layers. */
  private async blobsOf(rec: ImageRecord): Promise<string[]> {
    const out = [rec.id, ...(rec.indexes ?? []).map((i) => i.digest)];
    for (const m of rec.manifests) {
      out.push(m.digest);
      const man = await this.content.readJson<ImageManifest>(m.digest).catch(() => undefined);
      for (const l of man?.layers ?? []) out.push(l.digest);
    }
    return out;
  }
}

/**
 * Docker's isSingleReference: at most one tag, and every reference (digest ones included) in that
 * tag's repository — `busybox:latest` plus `busybox@sha256:…` is still a single reference.
 */
function isSingleReference(refs: Reference[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  const tags = refs.filter((r) => !r.digest);
  if (tags.length > 1) return false;
  const repo = repositoryName(tags[0] ?? refs[0]);
  return refs.every((r) => repositoryName(r) === repo);
}

function conflict(id: string, hard: boolean, message: string): ImageError {
  return new ImageError('conflict', `conflict: unable to delete ${shortId(id)} (${hard ? 'cannot be forced' : 'must be forced'}) - ${message}`);
}
