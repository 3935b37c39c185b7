// Public API of the image store (engine/image). Layer tar handling lives in ./layer (helper B).
export * from './reference';
export * from './digest';
export * from './types';
export * from './errors';
export { ContentStore, DigestMismatchError, SizeMismatchError, BlobNotFoundError, type IngestOptions, type IngestResult, type LayerInfo, type BlobSource, type OpenBlob } from './contentStore';
export { ImageStore, type ImageRecord, type ImageSummary, type ImageDetails, type HistoryItem, type DeleteResponseItem, type DeleteOptions, type ContainerUse } from './imageStore';
export { withFileLock, writeFileAtomic } from './fileLock';
export { distributableManifest, gzippedLayer, isUncompressedLayer } from './distribute';
export { saveImages } from './save';
export { loadImages, type LoadResult } from './load';
export { importRootfs, type ImportOptions } from './importRootfs';
export { applyChanges } from './changes';

import * as path from 'node:path';
import { ImageStore } from './imageStore';

/** Opens (creating if needed) the image store of a data root: `<dataRoot>/image`. */
export function openImageStore(dataRoot: string): ImageStore {
  return new ImageStore(path.join(dataRoot, 'image'));
}
