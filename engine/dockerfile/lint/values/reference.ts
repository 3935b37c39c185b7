/**
 * Docker's image reference grammar (distribution/reference), used to validate FROM images and
 * `--from=` values. Hand-written: a tiny regular grammar, and we need the builder's exact verdict.
 */
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);

export interface ParsedReference {
  name: string;
  tag?: string;
  digest?: string;
}

/** Returns the parts of a valid reference, or an error message as the builder words it. */
export function parseImageReference(text: string): ParsedReference | { error: string } {
  const match = REFERENCE.exec(text);
  if (!match) {
    if (text === '') return { error: 'invalid reference format: repository name must not be empty' };
    const lower = text.toLowerCase();
    if (lower !== text && REFERENCE.test(lowerRepository(text))) {
      return { error: 'invalid reference format: repository name must be lowercase' };
    }
    return { error: 'invalid reference format' };
  }
  if (match[1].length > 255) return { error: 'invalid reference format: repository name must not be more than 255 characters' };
  return { name: match[1], tag: match[2], digest: match[3] };
}

function lowerRepository(text: string): string {
  const at = text.indexOf('@');
  const beforeDigest = at < 0 ? text : text.slice(0, at);
  const colon = beforeDigest.lastIndexOf(':');
  const slash = beforeDigest.lastIndexOf('/');
  const nameEnd = colon > slash ? colon : beforeDigest.length;
  return text.slice(0, nameEnd).toLowerCase() + text.slice(nameEnd);
}
