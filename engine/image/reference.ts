// Image references parsed exactly like Docker (github.com/distribution/reference: Parse,
// ParseNormalizedNamed, FamiliarName/FamiliarString, ParseDockerRef). Hand-written: there is no
// maintained npm port of that grammar, and the error strings must match Docker's verbatim.

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const NAME_TOTAL_LENGTH_MAX = 255;

const alnum = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const host = `(?:${domainName}|${ipv6})`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const referenceRegexp = new RegExp(`^((?:${domainAndPort}/)?${pathComponent}(?:/${pathComponent})*)(?::(${tagPattern}))?(?:@(${digestPattern}))?$`);
const anchoredDomainRegexp = new RegExp(`^${domainAndPort}$`);
const anchoredIdentifierRegexp = /^[a-f0-9]{64}$/;

export class InvalidReferenceError extends Error {
  override name = 'InvalidReferenceError';
}

export interface Reference {
  /** Registry host[:port], e.g. `docker.io`, `localhost:5000`. */
  domain: string;
  /** Repository path inside the registry, e.g. `library/busybox`. */
  path: string;
  tag?: string;
  /** `sha256:<hex>` */
  digest?: string;
}

/** `distribution/reference.Parse`: a reference as written, without normalization. */
function parseRaw(s: string): { name: string; tag?: string; digest?: string } {
  const m = referenceRegexp.exec(s);
  if (!m) {
    if (referenceRegexp.test(s.toLowerCase())) throw new InvalidReferenceError('repository name must be lowercase');
    throw new InvalidReferenceError('invalid reference format');
  }
  const [, name, tag, digest] = m;
  if (name.length > NAME_TOTAL_LENGTH_MAX) throw new InvalidReferenceError(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  if (digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(digest)) {
    // go-digest validation: only algorithms we support, with the exact hex length
    throw new InvalidReferenceError(digest.startsWith('sha256:') ? 'invalid checksum digest length' : 'unsupported digest algorithm');
  }
  return { name, tag, digest };
}

function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const i = name.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = i === -1 ? '' : name.slice(0, i);
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

/**
 * `ParseNormalizedNamed`: `busybox` → docker.io/library/busybox. No default tag is added.
 * Throws InvalidReferenceError with Docker's messages.
 */
export function parseReference(s: string): Reference {
  if (anchoredIdentifierRegexp.test(s)) {
    throw new InvalidReferenceError(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDockerDomain(s);
  const tagSep = remainder.indexOf(':');
  const remoteName = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remoteName.toLowerCase() !== remoteName) {
    throw new InvalidReferenceError(`invalid reference format: repository name (${remoteName}) must be lowercase`);
  }
  let raw: ReturnType<typeof parseRaw>;
  try {
    raw = parseRaw(`${domain}/${remainder}`);
  } catch (e) {
    const msg = (e as Error).message;
    throw new InvalidReferenceError(msg.startsWith('invalid reference format') ? msg : `invalid reference format: ${msg}`);
  }
  if (!anchoredDomainRegexp.test(domain)) throw new InvalidReferenceError('invalid reference format');
  return { domain, path: raw.name.slice(domain.length + 1), tag: raw.tag, digest: raw.digest };
}

/** `ParseDockerRef`: normalized, `:latest` when neither tag nor digest; a digest wins over a tag. */
export function parseDockerRef(s: string): Reference {
  const r = parseReference(s);
  if (r.digest) return { domain: r.domain, path: r.path, digest: r.digest };
  return { ...r, tag: r.tag ?? 'latest' };
}

/** Fully qualified name without tag/digest: `docker.io/library/busybox`. */
export function repositoryName(r: Reference): string {
  return `${r.domain}/${r.path}`;
}

/** Fully qualified string: `docker.io/library/busybox:latest`. */
export function referenceString(r: Reference): string {
  return `${repositoryName(r)}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** `FamiliarName`: `busybox`, `user/app`, `localhost:5000/x`. */
export function familiarName(r: Reference): string {
  if (r.domain !== DEFAULT_DOMAIN) return repositoryName(r);
  if (r.path.startsWith(OFFICIAL_REPO_PREFIX) && !r.path.slice(OFFICIAL_REPO_PREFIX.length).includes('/')) {
    return r.path.slice(OFFICIAL_REPO_PREFIX.length);
  }
  return r.path;
}

/** `FamiliarString`: `busybox:latest`, `busybox@sha256:…`. */
export function familiarString(r: Reference): string {
  return `${familiarName(r)}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** A full 64-hex image ID, with or without `sha256:`. */
export function isFullImageId(s: string): boolean {
  return /^(sha256:)?[a-f0-9]{64}$/.test(s);
}
