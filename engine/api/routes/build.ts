/**
 * Build routes: `POST /build` exactly as the docker CLI's classic builder sends it, `POST
 * /build/prune`, and the builder slot (`BuildCache` of `/system/df`).
 *
 * `POST /build` reads a tar context from the body (plain or gzip; extracted with the confined
 * layer extractor into a private temp dir) and the CLI's query parameters: `t` (repeated),
 * `dockerfile`, `buildargs`, `target`, `labels`, `nocache`, `pull`, `networkmode`, `rm`/`forcerm`
 * (intermediate containers never outlive a step here), `q`, `platform`, `extrahosts`, `cachefrom`
 * (accepted; only local builds are cache sources), `remote` (refused) and the `X-Registry-Config`
 * header (credentials for pulling base images). The response is Docker's JSON message stream:
 * `{"stream":"Step N/M : …"}`, ` ---> …`, `{"errorDetail":…}` on failure and
 * `{"id":"moby.image.id","aux":{"ID":"sha256:…"}}` at the end. A client that disconnects cancels
 * the build (processes killed, snapshots removed).
 *
 * Local-directory fast path: `dockwright.contextDir=/abs/path` uses that directory as the context
 * instead of an uploaded tar (the request body is ignored). It is honoured only on the unix
 * socket (a TCP client could otherwise read any directory of the daemon's host) and applies the
 * same rules as the CLI: `.dockerignore` / `<Dockerfile>.dockerignore`, and every source path is
 * resolved inside the directory (links never lead out of it).
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import { Builder } from '../../build/builder';
import { contextFromDir, contextFromTar, type BuildContext } from '../../build/context';
import { familiarString, parseDockerRef, parseReference, repositoryName } from '../../image';
import { configKey, pull, type AuthConfig } from '../../registry';
import { createExecutor, type Executor } from '../../runtime/executor';
import { Snapshotter } from '../../runtime/snapshot';
import type { Engine } from '../daemon';
import { badRequest, JsonMessageWriter, type RequestContext } from '../router';
import type { RegisterRoutes } from './types';

function jsonParam<T>(ctx: RequestContext, name: string, fallback: T): T {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '' || raw === 'null') return fallback;
  try {
    return (JSON.parse(raw) ?? fallback) as T;
  } catch {
    throw badRequest(`invalid JSON in ${name}: ${raw}`);
  }
}

/** `X-Registry-Config`: base64url JSON `{registry: AuthConfig}` (the CLI sends all it has). */
function registryConfig(header: string | string[] | undefined): Record<string, AuthConfig> {
  if (typeof header !== 'string' || !header) return {};
  try {
    return JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, AuthConfig>;
  } catch {
    return {};
  }
}

/** The repositories of the `t` parameters, without tags or digests. */
function repositories(tags: string[]): string[] {
  return [...new Set(tags.map((t) => repositoryName(parseReference(t))))].sort();
}

function isUnixSocket(ctx: RequestContext): boolean {
  const s = ctx.req.socket as Socket;
  return !s.remoteAddress && !s.remotePort;
}

function builderOf(engine: Engine): Builder {
  let executor: Executor | undefined;
  const makeExecutor = () => (executor ??= createExecutor(engine.runtime, path.join(engine.dataRoot, 'build', 'runtime'), {
    subordinateIds: true, log: (m) => engine.log.info(`builder ${m}`),
  }));
  // Rootless, the build runs in the containers' user namespace where the user has subordinate ids
  // (RUN in crun there, snapshots unpacked, owned and diffed by dist/files.js), so owners other than
  // the daemon user survive; the snapshots must match the executor's mapping, so it is chosen now
  // (one probe container; bubblewrap's single-uid mapping otherwise, said once in the log).
  if (process.getuid?.() !== 0 || engine.runtime === 'rootless') makeExecutor();
  return new Builder({
    dataRoot: engine.dataRoot,
    images: engine.images,
    snapshotter: new Snapshotter(path.join(engine.dataRoot, 'snapshots'), undefined, { userns: executor?.userns }),
    executor: makeExecutor,
    debug: (msg) => engine.log.debug(msg),
  });
}

async function postBuild(ctx: RequestContext, builder: Builder): Promise<void> {
  const q = ctx.query;
  if (q.get('remote')) throw badRequest('remote build contexts are not supported; send the context as the request body');
  const tags = q.getAll('t').filter(Boolean);
  for (const t of tags) {
    try {
      parseReference(t);
    } catch (e) {
      throw badRequest(`invalid reference format: ${t}: ${(e as Error).message}`);
    }
  }
  const dockerfile = q.get('dockerfile') || 'Dockerfile';
  const contextDir = q.get('dockwright.contextDir');
  if (contextDir && !isUnixSocket(ctx)) throw badRequest('dockwright.contextDir is only accepted on the unix socket');
  const auths = registryConfig(ctx.req.headers['x-registry-config']);
  const abort = new AbortController();
  ctx.res.on('close', () => { if (!ctx.res.writableFinished) abort.abort(); });
  ctx.req.on('error', () => abort.abort());

  const out = new JsonMessageWriter(ctx.res);
  let context: BuildContext | undefined;
  try {
    const t0 = performance.now();
    context = contextDir
      ? await contextFromDir(contextDir, dockerfile)
      // the mirrored context is kept per repository (not per tag): `-t app:2` after `-t app:1`
      // finds the files of the last upload in place
      : await contextFromTar(ctx.req, path.join(builder.root, 'contexts'), dockerfile, abort.signal, JSON.stringify([repositories(tags), dockerfile]));
    ctx.engine.log.debug(`build context ${contextDir ? 'directory' : 'tar'} ready in ${(performance.now() - t0).toFixed(1)} ms`);
    const result = await builder.build({
      context,
      tags,
      buildArgs: jsonParam<Record<string, string | null>>(ctx, 'buildargs', {}),
      target: q.get('target') || undefined,
      labels: jsonParam<Record<string, string>>(ctx, 'labels', {}),
      noCache: ctx.bool('nocache'),
      pull: ctx.bool('pull'),
      platform: q.get('platform') || undefined,
      networkMode: q.get('networkmode') || undefined,
      extraHosts: q.getAll('extrahosts').flatMap((h) => h.split(',')).filter(Boolean),
      quiet: ctx.bool('q'),
      signal: abort.signal,
      out: (text) => out.stream(text),
      pullImage: async (ref, say, signal) => {
        const domain = parseDockerRef(ref).domain;
        const auth = auths[configKey(domain)] ?? auths[domain];
        const r = await pull(ref, ctx.engine.images, {
          auth, dockerConfigDir: false, insecureRegistries: ctx.engine.registry.insecureRegistries, signal,
        }, (m) => { if (m.status && !m.id) say(`${m.status}\n`); });
        ctx.engine.events.publish('image', 'pull', familiarString(r.reference), { name: familiarString(r.reference) });
        return r.id;
      },
    });
    for (const t of result.tags) ctx.engine.events.publish('image', 'tag', result.imageId, { name: t });
    out.aux({ ID: result.imageId }, 'moby.image.id');
    // With `q`, dockerd's only output is the image ID (the CLI prints what it received).
    if (ctx.bool('q')) out.stream(`${result.imageId}\n`);
  } catch (e) {
    out.error(e);
  } finally {
    // a kept context is released at once (the next build finds it free); a temp one is removed after the answer
    const disposed = context?.dispose();
    out.end();
    await disposed;
  }
}

export const register: RegisterRoutes = async (router, engine) => {
  const builder = builderOf(engine);
  await builder.recover();
  router.post('/build', (ctx) => postBuild(ctx, builder));
  router.post('/build/prune', async (ctx) => ctx.send(200, await builder.prune()));
  engine.builder = { diskUsage: () => builder.diskUsage() };
};
