// HTTP routing for the Engine API: method + path patterns, versioned (`/v1.43/…`) and unversioned paths,
// query/body parsing, JSON errors, and the connection hijack used by attach/exec.
// Hand-written because the API's routing is tiny and needs Docker's exact behaviour (greedy image
// names containing slashes, version prefix, 404/400 JSON bodies, hijack over Node's 'upgrade' event),
// which general-purpose routers do not give without as much glue as this file.
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { Engine } from './daemon';
import { ApiError, badRequest, messageOf, notFound, statusOf } from './errors';

export { ApiError, badRequest, conflict, notFound, notImplemented, unauthorized } from './errors';
export { JsonMessageWriter, parseStdcopy, stdcopyFrame, stdcopyWriter, STDERR, STDIN, STDOUT, SYSTEMERR } from './streams';
export type { JsonMessage, StdStream } from './streams';

export const API_VERSION = '1.43';
export const MIN_API_VERSION = '1.24';
export const ENGINE_VERSION = '0.1.0';
const MAX_JSON_BODY = 16 << 20;

export type Handler = (ctx: RequestContext) => Promise<void> | void;

interface Route { method: string; pattern: string; regex: RegExp; names: string[]; handler: Handler }

/** `1.41` ≥ `1.24`-style comparison of API versions. */
export function versionAtLeast(v: string, min: string): boolean {
  const [a1, a2] = v.split('.').map(Number);
  const [b1, b2] = min.split('.').map(Number);
  return a1 !== b1 ? a1 > b1 : a2 >= b2;
}

/** Docker's boolValue: absent, "", "0", "no", "false" and "none" are false; anything else is true. */
export function boolParam(value: string | null): boolean {
  if (value === null) return false;
  return !['', '0', 'no', 'false', 'none'].includes(value.trim().toLowerCase());
}

/**
 * Parses Docker's `filters` query parameter: JSON `{"key":["v1","v2"]}` or the legacy
 * `{"key":{"v1":true}}` form. Throws 400 on anything else.
 */
export function parseFilters(raw: string | null): Map<string, string[]> {
  const filters = new Map<string, string[]>();
  if (!raw) return filters;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badRequest(`invalid filter: ${raw}`);
  }
  if (parsed === null) return filters;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest(`invalid filter: ${raw}`);
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) filters.set(key, value as string[]);
    else if (value && typeof value === 'object') filters.set(key, Object.entries(value).filter(([, on]) => on === true).map(([k]) => k));
    else throw badRequest(`invalid filter: ${raw}`);
  }
  return filters;
}

/** Everything a route handler gets for one request. */
export class RequestContext {
  /** API version the client asked for (path prefix), or the default one. */
  readonly apiVersion: string;
  readonly query: URLSearchParams;
  params: Record<string, string> = {};
  /** True once the connection was taken over by `hijack()` (the router then writes nothing more). */
  hijacked = false;
  private bodyPromise?: Promise<Buffer>;

  constructor(
    readonly engine: Engine,
    readonly req: http.IncomingMessage,
    readonly res: http.ServerResponse,
    /** The path without the `/v1.xx` prefix. */
    readonly path: string,
    apiVersion: string | undefined,
    private readonly upgrade?: { socket: Socket; head: Buffer },
  ) {
    this.apiVersion = apiVersion ?? API_VERSION;
    this.query = new URL(req.url ?? '/', 'http://engine').searchParams;
  }

  get method(): string {
    return this.req.method ?? 'GET';
  }

  bool(name: string): boolean {
    return boolParam(this.query.get(name));
  }

  /** An integer query parameter (400 when present but not an integer). */
  int(name: string, fallback: number): number {
    const raw = this.query.get(name);
    if (raw === null || raw === '') return fallback;
    if (!/^-?\d+$/.test(raw)) throw badRequest(`invalid value for ${name}: ${raw}`);
    return Number(raw);
  }

  filters(): Map<string, string[]> {
    return parseFilters(this.query.get('filters'));
  }

  /** The whole request body (for small JSON bodies; stream `req` for tars). */
  body(limit = MAX_JSON_BODY): Promise<Buffer> {
    this.bodyPromise ??= new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      this.req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > limit) {
          reject(new ApiError(413, `request body larger than ${limit} bytes`));
          this.req.destroy();
          return;
        }
        chunks.push(c);
      });
      this.req.on('end', () => resolve(Buffer.concat(chunks)));
      this.req.on('error', reject);
    });
    return this.bodyPromise;
  }

  /** The JSON body, `undefined` when empty; 400 on malformed JSON. */
  async json<T = unknown>(): Promise<T | undefined> {
    const text = (await this.body()).toString('utf8').trim();
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw badRequest(`malformed JSON body: ${messageOf(e)}`);
    }
  }

  send(status: number, value?: unknown): void {
    if (value === undefined) {
      this.res.writeHead(status);
      this.res.end();
      return;
    }
    const body = JSON.stringify(value);
    this.res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    this.res.end(body);
  }

  /**
   * Takes over the connection for attach/exec: with `Upgrade: tcp` it answers
   * `101 UPGRADED` and returns the raw socket; otherwise it answers 200 and returns a duplex of
   * request body (stdin) and response (output). The content type tells multiplexed from raw output.
   */
  hijack(opts: { multiplexed: boolean }): Duplex {
    const contentType = opts.multiplexed && versionAtLeast(this.apiVersion, '1.42')
      ? 'application/vnd.docker.multiplexed-stream' : 'application/vnd.docker.raw-stream';
    this.hijacked = true;
    if (this.upgrade) {
      const { socket, head } = this.upgrade;
      this.res.detachSocket(socket);
      socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
      if (head.length) socket.unshift(head);
      socket.setNoDelay(true);
      return socket;
    }
    this.res.writeHead(200, { 'Content-Type': contentType });
    this.res.flushHeaders();
    return Duplex.from({ readable: this.req, writable: this.res });
  }
}

export class Router {
  private readonly routes: Route[] = [];

  constructor(private readonly engine: Engine) {}

  /**
   * Registers a handler. Patterns use `{name}` for one path segment and `{name:*}` for a greedy
   * match that may contain slashes (image names: `/images/{name:*}/json`). Routes are tried in
   * registration order, so register fixed paths (`/images/json`) before patterns that could match them.
   */
  add(method: string, pattern: string, handler: Handler): this {
    const names: string[] = [];
    const source = pattern.split(/(\{[a-zA-Z]+(?::\*)?\})/).map((part) => {
      const m = /^\{([a-zA-Z]+)(:\*)?\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[1]);
      return m[2] ? '(.+)' : '([^/]+)';
    }).join('');
    this.routes.push({ method: method.toUpperCase(), pattern, regex: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  get(p: string, h: Handler): this { return this.add('GET', p, h); }
  head(p: string, h: Handler): this { return this.add('HEAD', p, h); }
  post(p: string, h: Handler): this { return this.add('POST', p, h); }
  put(p: string, h: Handler): this { return this.add('PUT', p, h); }
  delete(p: string, h: Handler): this { return this.add('DELETE', p, h); }

  /** The `request` listener of the HTTP server. */
  handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    void this.dispatch(req, res);
  };

  /** The `upgrade` listener: routes the request like any other, with the socket ready to hijack. */
  handleUpgrade = (req: http.IncomingMessage, socket: Socket, head: Buffer): void => {
    const res = new http.ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    res.on('finish', () => {
      res.detachSocket(socket);
      socket.end();
    });
    void this.dispatch(req, res, { socket, head });
  };

  /** The `clientError` listener: requests Node cannot parse get a 400 with a JSON message too. */
  handleClientError = (err: Error, socket: Duplex): void => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ message: `malformed HTTP request: ${(err as NodeJS.ErrnoException).code ?? err.message}` });
    socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  };

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse, upgrade?: { socket: Socket; head: Buffer }): Promise<void> {
    res.setHeader('Server', `Dockwright/${ENGINE_VERSION} (linux)`);
    res.setHeader('Api-Version', API_VERSION);
    res.setHeader('Ostype', 'linux');
    const rawPath = decodePathSafe(new URL(req.url ?? '/', 'http://engine').pathname);
    const versioned = /^\/v(\d+\.\d+)(\/.*)$/.exec(rawPath ?? '');
    const path = versioned ? versioned[2] : rawPath;
    const ctx = new RequestContext(this.engine, req, res, path ?? '', versioned?.[1], upgrade);
    try {
      if (path === undefined) throw badRequest('malformed request path');
      if (versioned) checkVersion(versioned[1]);
      const route = this.match(ctx.method, path, ctx);
      if (!route) throw notFound('page not found');
      await route.handler(ctx);
    } catch (err) {
      this.fail(ctx, err);
    }
  }

  private match(method: string, path: string, ctx: RequestContext): Route | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      ctx.params = Object.fromEntries(route.names.map((n, i) => [n, m[i + 1]]));
      return route;
    }
    return undefined;
  }

  private fail(ctx: RequestContext, err: unknown): void {
    const status = statusOf(err);
    if (status >= 500) this.engine.log.error(`${ctx.method} ${ctx.req.url}: ${err instanceof Error ? err.stack : String(err)}`);
    else this.engine.log.debug(`${ctx.method} ${ctx.req.url}: ${status} ${messageOf(err)}`);
    if (ctx.hijacked) return;
    if (ctx.res.headersSent) {
      ctx.res.destroy();
      return;
    }
    ctx.send(status, { message: messageOf(err) });
  }
}

function decodePathSafe(p: string): string | undefined {
  try {
    return decodeURIComponent(p);
  } catch {
    return undefined;
  }
}

function checkVersion(v: string): void {
  if (!versionAtLeast(v, MIN_API_VERSION)) {
    throw badRequest(`client version ${v} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  }
  if (!versionAtLeast(API_VERSION, v)) {
    throw badRequest(`client version ${v} is too new. Maximum supported API version is ${API_VERSION}`);
  }
}
