// HTTP transport to one registry: endpoint selection (TLS unless loopback; an insecure registry is
// tried over TLS first, then plain http, like Docker), auth challenges, token cache, bounded
// retries, manual redirects.
//
// Transport: Node's built-in fetch (undici). It is part of Node 20 (no dependency), pools
// keep-alive connections per origin, streams request and response bodies as web streams, and
// its errors carry undici's cause codes (ECONNREFUSED, ECONNRESET, …) we classify for retries.
// Redirects are followed by hand so the Authorization header never leaves the registry's origin
// (blob downloads are commonly redirected to a storage/CDN host).
import * as https from 'node:https';
import { Readable } from 'node:stream';
import { parseChallenges, repositoryScope, TokenCache, validateRealm, type Challenge } from './auth';
import { normalizeAuth, type AuthConfig } from './credentials';
import { describeErrorBody, RegistryError } from './errors';

export interface ClientOptions {
  /** `host[:port]` entries (or CIDRs are not supported) spoken to over plain http. */
  insecureRegistries?: string[];
  /** Credentials for this registry (already resolved by the caller). */
  auth?: AuthConfig;
  /** Attempts for transient failures (5xx, resets); default 3. */
  attempts?: number;
  signal?: AbortSignal;
  userAgent?: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A body, or a factory for one (called again on retry). */
  body?: Buffer | string | (() => ReadableStream<Uint8Array> | Buffer);
  /** Scopes needed (e.g. `repository:x:pull`). */
  scopes: string[];
  /** Statuses returned to the caller instead of thrown. */
  accept?: number[];
  /** Do not retry (non-idempotent request). */
  noRetry?: boolean;
  /** What the request was for, used in error messages (e.g. `manifest for x:1`). */
  what?: string;
}

const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The host actually contacted for a reference domain (Docker Hub → registry-1.docker.io). */
export function registryEndpointHost(domain: string): string {
  return DOCKER_HUB_HOSTS.has(domain) ? 'registry-1.docker.io' : domain;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return h === 'localhost' || /^127\./.test(h) || h === '::1';
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNREFUSED', 'EAI_AGAIN']);

function errorCode(e: unknown): string | undefined {
  const err = e as { code?: string; cause?: { code?: string; errors?: Array<{ code?: string }> } };
  return err?.cause?.code ?? err?.cause?.errors?.[0]?.code ?? err?.code;
}

let uncheckedTls: https.Agent | undefined;

/**
 * A fetch over node:https with certificate verification off, for the https endpoint of a registry
 * the user listed with `--insecure-registry` (Docker skips verification there; such registries
 * commonly have self-signed certificates). Hand-written because Node's built-in fetch takes no TLS
 * options, and importing npm `undici` for its Agent replaces the built-in fetch's global dispatcher
 * (breaking it on Node 20).
 */
function fetchWithoutCertificateCheck(url: string, init: RequestInit): Promise<Response> {
  uncheckedTls ??= new https.Agent({ keepAlive: true, rejectUnauthorized: false });
  const method = init.method ?? 'GET';
  return new Promise<Response>((resolve, reject) => {
    const req = https.request(url, { method, headers: init.headers as Record<string, string>, agent: uncheckedTls, signal: init.signal ?? undefined }, (res) => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) for (const one of [v ?? []].flat()) headers.append(k, one);
      const status = res.statusCode ?? 0;
      const noBody = method === 'HEAD' || [204, 205, 304].includes(status);
      if (noBody) res.resume();
      resolve(new Response(noBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage, headers }));
    });
    req.on('error', reject);
    const body = init.body as Buffer | string | ReadableStream<Uint8Array> | null | undefined;
    if (body instanceof ReadableStream) Readable.fromWeb(body as import('node:stream/web').ReadableStream).on('error', (e) => req.destroy(e)).pipe(req);
    else req.end(body ?? undefined);
  });
}

export class RegistryClient {
  readonly host: string;
  /** Where requests go: https, or http for loopback (and for an insecure registry without TLS). */
  baseUrl: string;
  /** For an `--insecure-registry` host: https is tried first and, if it cannot be spoken, http (Docker's order). */
  private httpFallback?: string;
  /** An `--insecure-registry` host's own https endpoint is used without certificate checks (like Docker). */
  private readonly insecureTls: boolean;
  private challenge?: Challenge;
  private readonly tokens = new TokenCache();
  private readonly auth?: AuthConfig;
  private readonly attempts: number;

  constructor(readonly domain: string, private readonly opts: ClientOptions = {}) {
    this.host = registryEndpointHost(domain);
    const insecure = (opts.insecureRegistries ?? []).includes(this.host) || (opts.insecureRegistries ?? []).includes(domain);
    // loopback is spoken to over plain http at once (Docker would try https first there too)
    this.baseUrl = `${isLoopbackHost(this.host) ? 'http' : 'https'}://${this.host}`;
    this.insecureTls = insecure;
    if (insecure && !isLoopbackHost(this.host)) this.httpFallback = `http://${this.host}`;
    this.auth = opts.auth ? normalizeAuth(opts.auth) : undefined;
    this.attempts = Math.max(1, opts.attempts ?? 3);
  }

  /** `GET /v2/`: learns the auth challenge; with `login` it also verifies the credentials. */
  async ping(): Promise<void> {
    const res = await this.send('GET', `${this.baseUrl}/v2/`, {});
    await res.body?.cancel();
    if (res.status === 401) this.challenge = parseChallenges(res.headers.get('www-authenticate'))[0];
  }

  /** Checks credentials like `docker login` (`/auth`): a token (or basic) request must succeed. */
  async login(): Promise<void> {
    await this.ping();
    if (!this.challenge) return;
    const res = await this.request(`/v2/`, { scopes: [], what: 'login' });
    await res.body?.cancel();
  }

  /** Sends an authenticated request (path relative to the registry, or an absolute Location URL). */
  async request(pathOrUrl: string, o: RequestOptions): Promise<Response> {
    const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${this.baseUrl}${pathOrUrl}`;
    if (new URL(url).origin !== new URL(this.baseUrl).origin) {
      throw new RegistryError('invalid', `refusing to send registry request to foreign origin ${new URL(url).origin}`);
    }
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const authz = await this.authorization(o.scopes, refreshed);
      const body = typeof o.body === 'function' ? o.body() : o.body;
      let res: Response;
      try {
        res = await this.send(o.method ?? 'GET', url, { ...o.headers, ...(authz ? { Authorization: authz } : {}) }, body);
      } catch (e) {
        if (e instanceof RegistryError && e.kind === 'unreachable' && !o.noRetry && attempt < this.attempts && TRANSIENT_CODES.has((e.cause as string) ?? '')) {
          await this.backoff(attempt);
          continue;
        }
        throw e;
      }
      if (res.status === 401 && !refreshed) {
        const ch = parseChallenges(res.headers.get('www-authenticate'));
        await res.body?.cancel();
        if (ch[0]) this.challenge = ch[0];
        refreshed = true;
        attempt--;
        continue;
      }
      if (o.accept?.includes(res.status) || (res.status >= 200 && res.status < 300)) return res;
      const retriable = (res.status >= 500 && res.status !== 501 && res.status !== 505) || res.status === 408;
      if (retriable && !o.noRetry && attempt < this.attempts) {
        await res.body?.cancel();
        await this.backoff(attempt);
        continue;
      }
      throw await this.httpError(res, o.what ?? url);
    }
  }

  private async backoff(attempt: number): Promise<void> {
    const ms = 200 * 3 ** (attempt - 1) * (0.9 + Math.random() * 0.2);
    await new Promise((r) => setTimeout(r, ms));
  }

  private async httpError(res: Response, what: string): Promise<RegistryError> {
    const text = await res.text().catch(() => '');
    const detail = describeErrorBody(text);
    switch (res.status) {
      case 401: return new RegistryError('unauthorized', `${what}: ${detail ?? 'unauthorized: authentication required'}`, 401);
      case 403: return new RegistryError('denied', `${what}: ${detail ?? 'denied: requested access to the resource is denied'}`, 403);
      case 404: return new RegistryError('notFound', `${what}: ${detail ?? 'not found'}`, 404);
      case 429: return new RegistryError('tooManyRequests', `${what}: ${detail ?? 'toomanyrequests: too many requests'}`, 429);
      case 415: return new RegistryError('unsupportedMediaType', `${what}: ${detail ?? 'unsupported media type'}`, 415);
      default: return new RegistryError(res.status >= 500 ? 'server' : 'invalid', `${what}: ${detail ?? `unexpected status ${res.status} ${res.statusText}`}`, res.status);
    }
  }

  /** The Authorization header value for these scopes, per the last challenge. */
  private async authorization(scopes: string[], refresh: boolean): Promise<string | undefined> {
    const ch = this.challenge;
    if (!ch) return undefined;
    if (ch.scheme === 'basic') {
      if (!this.auth?.username) return undefined;
      return `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password ?? ''}`).toString('base64')}`;
    }
    if (ch.scheme !== 'bearer') return undefined;
    if (this.auth?.registrytoken) return `Bearer ${this.auth.registrytoken}`;
    const realm = validateRealm(ch.params.realm ?? '', this.baseUrl);
    const service = ch.params.service;
    const wanted = [...new Set([...scopes, ...(ch.params.scope ? ch.params.scope.split(' ') : [])])];
    const key = this.tokens.key(realm.href, service, wanted);
    if (refresh) this.tokens.invalidate(key);
    const cached = this.tokens.get(key);
    if (cached) return `Bearer ${cached}`;
    const token = await this.fetchToken(realm, service, wanted);
    this.tokens.set(key, token.token, token.expiresIn);
    return `Bearer ${token.token}`;
  }

  private async fetchToken(realm: URL, service: string | undefined, scopes: string[]): Promise<{ token: string; expiresIn: number }> {
    let res: Response;
    if (this.auth?.identitytoken) {
      // OAuth2 refresh-token grant (identity tokens from `docker login` / helpers' `<token>` user)
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.auth.identitytoken, client_id: 'dockwright', ...(service ? { service } : {}) });
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await this.send('POST', realm.href, { 'Content-Type': 'application/x-www-form-urlencoded' }, form.toString());
    } else {
      const u = new URL(realm.href);
      if (service) u.searchParams.set('service', service);
      for (const s of scopes) u.searchParams.append('scope', s);
      if (this.auth?.username) u.searchParams.set('account', this.auth.username);
      const headers: Record<string, string> = this.auth?.username
        ? { Authorization: `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password ?? ''}`).toString('base64')}` }
        : {};
      res = await this.send('GET', u.href, headers);
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new RegistryError('unauthorized', `unauthorized: incorrect username or password (token server ${realm.host} answered ${res.status})`, res.status);
    }
    if (res.status === 429) throw await this.httpError(res, `token from ${realm.host}`);
    if (!res.ok) throw new RegistryError('server', `token server ${realm.host} answered ${res.status}`, res.status);
    const j = (await res.json()) as { token?: string; access_token?: string; expires_in?: number };
    const token = j.token ?? j.access_token;
    if (!token) throw new RegistryError('invalid', `token server ${realm.host} returned no token`);
    return { token, expiresIn: j.expires_in && j.expires_in > 0 ? j.expires_in : 60 };
  }

  /**
   * One HTTP exchange; follows redirects manually, dropping Authorization when the origin changes.
   * For an insecure registry the first exchange also settles https vs http.
   */
  private async send(method: string, url: string, headers: Record<string, string>, body?: Buffer | string | ReadableStream<Uint8Array>): Promise<Response> {
    const fallback = this.httpFallback;
    const httpsBase = this.baseUrl;
    if (!fallback || !url.startsWith(`${httpsBase}/`)) return this.exchange(method, url, headers, body);
    try {
      const res = await this.exchange(method, url, headers, body);
      if (this.baseUrl === httpsBase) this.httpFallback = undefined; // https works: stay on it
      return res;
    } catch (e) {
      // only a failure to reach the registry over https (TLS or connection) falls back, and only
      // when the body can be sent again
      const replayable = body === undefined || typeof body === 'string' || Buffer.isBuffer(body);
      if (!(e instanceof RegistryError && e.kind === 'unreachable') || !replayable) throw e;
      if (this.baseUrl === httpsBase) {
        if (this.httpFallback !== fallback) throw e; // another request proved https works
        this.baseUrl = fallback;
        this.httpFallback = undefined;
      }
      return this.exchange(method, fallback + url.slice(httpsBase.length), headers, body);
    }
  }

  private async exchange(method: string, url: string, headers: Record<string, string>, body?: Buffer | string | ReadableStream<Uint8Array>): Promise<Response> {
    let current = url;
    let hdrs = { 'User-Agent': this.opts.userAgent ?? 'dockwright/0.1', ...headers };
    for (let hop = 0; hop < 10; hop++) {
      let res: Response;
      try {
        const unverified = this.insecureTls && new URL(current).origin === `https://${this.host}`;
        res = await (unverified ? fetchWithoutCertificateCheck : fetch)(current, {
          method,
          headers: hdrs,
          body: body as RequestInit['body'],
          redirect: 'manual',
          signal: this.opts.signal,
          ...(body && typeof body === 'object' && !Buffer.isBuffer(body) ? { duplex: 'half' } : {}),
        } as RequestInit);
      } catch (e) {
        if ((e as Error).name === 'AbortError') throw e;
        const code = errorCode(e);
        const err = new RegistryError('unreachable', `${method} "${new URL(current).origin}${new URL(current).pathname}": ${code ? `${code} ` : ''}${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`);
        (err as { cause?: unknown }).cause = code;
        throw err;
      }
      const loc = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && res.status !== 304 && loc && (method === 'GET' || method === 'HEAD')) {
        await res.body?.cancel();
        const next = new URL(loc, current);
        if (next.origin !== new URL(current).origin) {
          const { Authorization: _drop, ...rest } = hdrs as Record<string, string>;
          hdrs = rest as typeof hdrs;
        }
        current = next.href;
        continue;
      }
      return res;
    }
    throw new RegistryError('invalid', `too many redirects for ${url}`);
  }

  /** `repository:<repo>:pull` etc. */
  static scope(repo: string, actions: Array<'pull' | 'push'>): string {
    return repositoryScope(repo, actions);
  }
}
