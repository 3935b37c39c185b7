// Layers: safe extraction (applyLayer), diffs (diffDirs, diffOverlayUpper), the PAX+gzip writer
// that computes diffID and blob digest in one pass (writeLayer), and confined lookups in a rootfs
// (resolveInRoot, resolveUser). Used by engine/runtime (unpacking images into snapshots, container
// users) and engine/build (step layers, ADD extraction, USER and --chown).
export { applyLayer, DEFAULT_LIMITS, LayerError, type ApplyLimits, type ApplyOptions, type ApplyResult } from './apply';
export { decompressIf, decompressor, detectCompression, SNIFF_BYTES, type Compression } from './decompress';
export { hostCommand, hostCommandOk, type HostCommandOptions, type HostCommandResult } from './hostCommand';
export { diffDirs, diffOverlayUpper, type LayerEntry } from './diff';
export { cleanRelative, PathEscapeError, resolveInRoot, resolveInRootSync } from './resolveInRoot';
export { resolveUser, type ResolvedUser } from './rootfsUser';
export type { EntryType, TarHeader } from './tarHeader';
export { LAYER_MEDIA_TYPE_GZIP, LAYER_MEDIA_TYPE_TAR, writeLayer, writeLayerTarFile, writeLayerToFile, type LayerDigests, type WriteLayerOptions } from './write';
