// `docker import`: a rootfs tarball (plain or gzip) becomes a one-layer image. The layer is
// gzip-compressed while its uncompressed digest (diffID) and the compressed digest are computed
// in the same streaming pass.
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { applyChanges } from './changes';
import { sha256Hasher } from './digest';
import { ImageError } from './errors';
import type { ImageRecord, ImageStore } from './imageStore';
import { gunzipIfGzip } from './layer/decompress';
import { parseReference, type Reference } from './reference';
import { MediaTypes, type ImageConfig } from './types';

export interface ImportOptions {
  /** `repo[:tag]` to tag the image with. */
  reference?: string;
  /** `--change` lines. */
  changes?: string[];
  /** `--message`: the history comment. */
  message?: string;
  /** Where the tarball came from, for the default comment (`Imported from -`). */
  source?: string;
  os?: string;
  architecture?: string;
  variant?: string;
}

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };

export async function importRootfs(store: ImageStore, input: Readable | AsyncIterable<Buffer>, opts: ImportOptions = {}): Promise<ImageRecord> {
  let ref: Reference | undefined;
  if (opts.reference) {
    ref = parseReference(opts.reference);
    if (ref.digest) throw new ImageError('invalidArgument', 'cannot import digest reference');
    ref = { ...ref, tag: ref.tag ?? 'latest' };
  }
  const config = applyChanges({}, opts.changes ?? []);

  const diffHash = sha256Hasher();
  let uncompressedSize = 0;
  // plain tar passes through, gzip is inflated, other compressions are refused clearly
  const inflate = gunzipIfGzip({
    onOtherCompression: () => new ImageError('invalidArgument', 'unsupported compression for import: use a plain or gzip-compressed tar'),
  });
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      diffHash.update(chunk);
      uncompressedSize += chunk.length;
      cb(null, chunk);
    },
  });
  const gzip = zlib.createGzip();
  const ingest = store.content.ingest(gzip);
  await Promise.all([pipeline(input as Readable, inflate, hashing, gzip), ingest]);
  const blob = await ingest;
  const diffId = `sha256:${diffHash.digest('hex')}`;
  await store.content.setLayerInfo(blob.digest, { diffId, uncompressedSize });

  const created = new Date().toISOString();
  const image: ImageConfig = {
    architecture: opts.architecture ?? GOARCH[process.arch] ?? process.arch,
    os: opts.os ?? 'linux',
    ...(opts.variant ? { variant: opts.variant } : {}),
    created,
    config,
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created, comment: opts.message || `Imported from ${opts.source ?? '-'}` }],
    ...(opts.message ? { comment: opts.message } : {}),
  };
  return store.putImage(image, [{ mediaType: MediaTypes.ociLayerGzip, digest: blob.digest, size: blob.size }], { refs: ref ? [ref] : [] });
}
