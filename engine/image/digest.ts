// Digest helpers. Every digest is validated before it becomes part of a path (CVE-2014-9358).
import { createHash, type Hash } from 'node:crypto';

export const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export class InvalidDigestError extends Error {
  override name = 'InvalidDigestError';
}

export function assertDigest(d: string): string {
  if (typeof d !== 'string' || !DIGEST_RE.test(d)) throw new InvalidDigestError(`invalid digest: ${JSON.stringify(String(d).slice(0, 80))}`);
  return d;
}

export function isDigest(d: unknown): d is string {
  return typeof d === 'string' && DIGEST_RE.test(d);
}

export function sha256Hasher(): Hash {
  return createHash('sha256');
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function digestHex(d: string): string {
  return assertDigest(d).slice('sha256:'.length);
}

/** The 12-hex short form Docker prints (`id` in progress messages, `IMAGE ID`). */
export function shortId(d: string): string {
  return d.replace(/^sha256:/, '').slice(0, 12);
}
