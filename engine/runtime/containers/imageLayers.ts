// The image config and layer list a container is created from, read once per image: an image id
// is the digest of its config and a manifest's content is fixed by its digest, so what was read
// stays true while the image still lists that manifest and its blob is stored (checked on each
// use: one stat). Saves reading and re-hashing both blobs on every `docker run`.
import type { ImageConfig, ImageRecord, ImageStore } from '../../image';
import { RuntimeError } from '../errors';
import type { LayerSource } from '../snapshot';

interface Entry {
  manifestDigest: string;
  config: ImageConfig;
  layers: { diffID: string; digest: string }[];
}

const MAX_ENTRIES = 64;

export class ImageLayers {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly images: ImageStore) {}

  async of(rec: ImageRecord): Promise<{ config: ImageConfig; layers: LayerSource[] }> {
    let e = this.entries.get(rec.id);
    if (!e || !rec.manifests.some((d) => d.digest === e!.manifestDigest) || !(await this.images.content.has(e.manifestDigest))) {
      e = await this.read(rec);
      this.entries.delete(rec.id);
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(rec.id, e);
    }
    const content = this.images.content;
    return { config: e.config, layers: e.layers.map((l) => ({ diffID: l.diffID, open: () => content.openLayer(l.digest) })) };
  }

  private async read(rec: ImageRecord): Promise<Entry> {
    const config = await this.images.config(rec);
    const { descriptor, manifest } = await this.images.manifest(rec);
    const diffIDs = config.rootfs.diff_ids;
    if (diffIDs.length !== manifest.layers.length) throw new RuntimeError(500, `image ${rec.id}: ${diffIDs.length} diff_ids for ${manifest.layers.length} layers`);
    return { manifestDigest: descriptor.digest, config, layers: manifest.layers.map((l, i) => ({ diffID: diffIDs[i], digest: l.digest })) };
  }
}
