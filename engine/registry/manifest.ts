// Fetching and validating manifests (distribution spec + CVE-2021-41190 rules).
import { INDEX_MEDIA_TYPES, isDigest, MANIFEST_MEDIA_TYPES, sha256Digest, type ImageIndex, type ImageManifest } from '../image';
import { RegistryClient } from './client';
import { RegistryError } from './errors';

/** Accept list sent for manifests: OCI and Docker, index and manifest (like Docker 20.10+). */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const MAX_MANIFEST_BYTES = 4 << 20;

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  doc: ImageManifest | ImageIndex;
  isIndex: boolean;
}

/** HEAD the manifest: its digest, media type and size, or undefined if the registry gives no digest. */
export async function headManifest(client: RegistryClient, repo: string, reference: string, what: string): Promise<{ digest: string; mediaType: string; size: number } | undefined> {
  const res = await client.request(`/v2/${repo}/manifests/${reference}`, {
    method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT }, scopes: [RegistryClient.scope(repo, ['pull'])], what, accept: [404, 405],
  });
  if (res.status === 405) return undefined;
  if (res.status === 404) throw new RegistryError('notFound', `${what}: manifest unknown`, 404);
  const digest = res.headers.get('docker-content-digest');
  const mediaType = (res.headers.get('content-type') ?? '').split(';')[0].trim();
  const size = Number(res.headers.get('content-length'));
  if (!digest || !/^sha256:[a-f0-9]{64}$/.test(digest)) return undefined;
  return { digest, mediaType, size };
}

/** GETs and validates a manifest or index; `expectedDigest` (by-digest pulls) is enforced. */
export async function getManifest(client: RegistryClient, repo: string, reference: string, what: string, expectedDigest?: string): Promise<FetchedManifest> {
  const res = await client.request(`/v2/${repo}/manifests/${reference}`, {
    headers: { Accept: MANIFEST_ACCEPT }, scopes: [RegistryClient.scope(repo, ['pull'])], what,
  });
  const len = Number(res.headers.get('content-length') ?? 0);
  if (len > MAX_MANIFEST_BYTES) {
    await res.body?.cancel();
    throw new RegistryError('invalid', `${what}: manifest too large (${len} bytes)`);
  }
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > MAX_MANIFEST_BYTES) throw new RegistryError('invalid', `${what}: manifest too large (${bytes.length} bytes)`);
  const digest = sha256Digest(bytes);
  const header = res.headers.get('docker-content-digest');
  const want = expectedDigest ?? (header && /^sha256:/.test(header) ? header : undefined);
  if (want && want !== digest) {
    throw new RegistryError('digestMismatch', `${what}: manifest digest mismatch: expected ${want}, got ${digest}`);
  }
  const contentType = (res.headers.get('content-type') ?? '').split(';')[0].trim();
  return parseManifest(bytes, contentType, digest, what);
}

/** Validates media types and shape (a manifest never has `manifests`, an index never `config`/`layers`). */
export function parseManifest(bytes: Buffer, contentType: string, digest: string, what: string): FetchedManifest {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new RegistryError('invalid', `${what}: manifest is not valid JSON`);
  }
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  if (doc.schemaVersion === 1 || /^application\/vnd\.docker\.distribution\.manifest\.v1\+(prettyjws|json)$/.test(contentType)) {
    throw new RegistryError('unsupportedMediaType', `${what}: unsupported manifest media type ${contentType || 'schema1'}: Docker Image Format v1 and Docker Image manifest version 2, schema 1 are not supported`);
  }
  if (declared && contentType && contentType !== 'application/json' && contentType !== declared) {
    throw new RegistryError('invalid', `${what}: manifest mediaType ${declared} does not match Content-Type ${contentType}`);
  }
  const mediaType = declared ?? (contentType && contentType !== 'application/json' ? contentType : undefined);
  const hasManifests = Array.isArray(doc.manifests);
  const hasImageFields = doc.config !== undefined || doc.layers !== undefined;
  if (hasManifests && hasImageFields) throw new RegistryError('invalid', `${what}: ambiguous document has both manifests and config/layers`);
  const isIndex = mediaType ? INDEX_MEDIA_TYPES.includes(mediaType) : hasManifests;
  if (mediaType && !isIndex && !MANIFEST_MEDIA_TYPES.includes(mediaType)) {
    throw new RegistryError('unsupportedMediaType', `${what}: unsupported manifest media type ${mediaType}`);
  }
  if (isIndex && (!hasManifests || hasImageFields)) throw new RegistryError('invalid', `${what}: index ${digest} is malformed`);
  if (!isIndex && (hasManifests || typeof doc.config !== 'object' || !Array.isArray(doc.layers))) {
    throw new RegistryError('invalid', `${what}: manifest ${digest} is malformed`);
  }
  const descriptors = (isIndex ? (doc.manifests as unknown[]) : [doc.config, ...(doc.layers as unknown[])]) as Array<{ digest?: unknown; size?: unknown }>;
  for (const d of descriptors) {
    if (!d || !isDigest(d.digest) || typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
      throw new RegistryError('invalid', `${what}: ${digest} has an invalid descriptor ${JSON.stringify(d).slice(0, 200)}`);
    }
  }
  const fallback = isIndex ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json';
  return { digest, mediaType: mediaType ?? fallback, bytes, doc: doc as unknown as ImageManifest | ImageIndex, isIndex };
}
