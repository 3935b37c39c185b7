// WWW-Authenticate challenges, realm validation and token requests (distribution token spec).
//
// Credential policy (google/go-containerregistry#2193, CVE-2020-15157):
// - Credentials are only ever sent to the registry host itself and to the token realm its challenge
//   names, never to redirect targets or foreign-layer `urls`.
// - The realm must be https; plain http is accepted only when the registry itself is spoken to over
//   http (loopback / --insecure-registry) AND the realm is on that same host.
// - A realm whose host is an IP literal that is loopback, private or link-local is refused unless it
//   is the registry host itself (no SSRF into the local network through a crafted challenge).
// - Another hostname over https is allowed: that is how a registry names its token server
//   (registry-1.docker.io → auth.docker.io).
import * as net from 'node:net';
import { RegistryError } from './errors';

export interface Challenge {
  scheme: string; // lower-case: 'bearer' | 'basic'
  params: Record<string, string>;
}

/**
 * Parses a WWW-Authenticate header (one or more challenges, quoted or token params). A few lines
 * of our own rather than a dependency: this sits on the credential path, so we keep it auditable.
 */
export function parseChallenges(header: string | null | undefined): Challenge[] {
  if (!header) return [];
  const out: Challenge[] = [];
  const re = /\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(?:\s+|$)/y;
  const paramRe = /\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/y;
  let pos = 0;
  while (pos < header.length) {
    re.lastIndex = pos;
    const m = re.exec(header);
    if (!m) break;
    pos = re.lastIndex;
    const params: Record<string, string> = {};
    for (;;) {
      paramRe.lastIndex = pos;
      const p = paramRe.exec(header);
      if (!p) break;
      // a following scheme looks like a param-less token: stop before it
      params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
      pos = paramRe.lastIndex;
    }
    out.push({ scheme: m[1].toLowerCase(), params });
    while (pos < header.length && /[\s,]/.test(header[pos])) pos++;
  }
  return out;
}

function isPrivateIp(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (net.isIPv4(h)) {
    const [a, b] = h.split('.').map(Number);
    return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  if (net.isIPv6(h)) {
    const l = h.toLowerCase();
    return l === '::1' || l === '::' || l.startsWith('fe80:') || l.startsWith('fc') || l.startsWith('fd') || l.startsWith('::ffff:');
  }
  return false;
}

/**
 * Checks a bearer realm against the registry it came from; returns the URL or throws.
 * `registryUrl` is the base URL actually used for the registry (http or https).
 */
export function validateRealm(realm: string, registryUrl: string): URL {
  let u: URL;
  try {
    u = new URL(realm);
  } catch {
    throw new RegistryError('invalid', `invalid token realm ${JSON.stringify(realm)}`);
  }
  const reg = new URL(registryUrl);
  const sameHost = u.host === reg.host || u.hostname === reg.hostname;
  if (u.protocol !== 'https:') {
    if (!(u.protocol === 'http:' && reg.protocol === 'http:' && sameHost)) {
      throw new RegistryError('invalid', `refusing token realm ${u.origin}: it must use https (plain http only for an insecure registry's own host)`);
    }
  }
  if (u.username || u.password) throw new RegistryError('invalid', 'refusing token realm with embedded credentials');
  if (!sameHost && (isPrivateIp(u.hostname) || u.hostname === 'localhost')) {
    throw new RegistryError('invalid', `refusing token realm ${u.origin}: a loopback, private or link-local address that is not the registry ${reg.host}`);
  }
  return u;
}

/** Scope strings like Docker's: `repository:library/busybox:pull` or `…:pull,push`. */
export function repositoryScope(repo: string, actions: Array<'pull' | 'push'>): string {
  return `repository:${repo}:${actions.join(',')}`;
}

export interface Token {
  token: string;
  expiresAt: number;
}

/** Tokens by (realm, service, scopes); refreshed when expired or rejected. */
export class TokenCache {
  private readonly tokens = new Map<string, Token>();
  key(realm: string, service: string | undefined, scopes: string[]): string {
    return `${realm}|${service ?? ''}|${[...scopes].sort().join(' ')}`;
  }
  get(key: string): string | undefined {
    const t = this.tokens.get(key);
    if (!t) return undefined;
    if (Date.now() >= t.expiresAt) {
      this.tokens.delete(key);
      return undefined;
    }
    return t.token;
  }
  set(key: string, token: string, expiresInSec: number): void {
    // refresh 10 s early so a token never expires mid-request
    this.tokens.set(key, { token, expiresAt: Date.now() + Math.max(expiresInSec - 10, 1) * 1000 });
  }
  invalidate(key: string): void {
    this.tokens.delete(key);
  }
}
