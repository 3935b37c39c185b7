// POST /images/create: pull (`fromImage`, `tag`, `platform`) or import a rootfs tarball (`fromSrc=-`).
import { familiarName, familiarString, parseDockerRef } from '../../image';
import { decodeRegistryAuth, pull } from '../../registry';
import { badRequest, notFound, type RequestContext } from '../router';
import { DeferredJsonMessageWriter } from '../streams';
import { importImage } from './import';
import type { RegisterRoutes } from './types';

/** `fromImage` + `tag` as moby combines them (a `tag` that is a digest becomes `@digest`). */
export function pullReference(fromImage: string, tag: string | null): string {
  if (!tag) return fromImage;
  const ref = parseDockerRef(fromImage);
  if (ref.digest || /:[^/]+$/.test(fromImage)) return fromImage;
  return /^sha256:/.test(tag) ? `${fromImage}@${tag}` : `${fromImage}:${tag}`;
}

async function pullImage(ctx: RequestContext, fromImage: string): Promise<void> {
  const name = pullReference(fromImage, ctx.query.get('tag'));
  parseDockerRef(name); // 400 on an invalid reference, before any stream starts
  // Hold back "Pulling from …" so that a missing repository or tag is an HTTP 404 like dockerd's.
  const out = new DeferredJsonMessageWriter(ctx.res, (m) => !m.status?.startsWith('Pulling from '));
  const abort = new AbortController();
  ctx.res.on('close', () => { if (!ctx.res.writableFinished) abort.abort(); });
  try {
    const result = await pull(name, ctx.engine.images, {
      auth: decodeRegistryAuth(ctx.req.headers['x-registry-auth'] as string | undefined),
      dockerConfigDir: false, // the daemon never reads config.json: the client sends credentials
      insecureRegistries: ctx.engine.registry.insecureRegistries,
      platform: ctx.query.get('platform') || undefined,
      concurrency: ctx.engine.registry.maxConcurrentDownloads,
      signal: abort.signal,
    }, out.write);
    ctx.engine.events.publish('image', 'pull', familiarString(result.reference), { name: familiarString(result.reference) });
    out.end();
  } catch (e) {
    out.fail(pullAccessDenied(e, name));
  }
}

/**
 * Like dockerd, an unauthorized/denied pull is reported as "pull access denied" (404), never 401:
 * on a 401 the docker CLI would prompt for credentials on stdin.
 */
function pullAccessDenied(e: unknown, name: string): unknown {
  const kind = (e as { kind?: string }).kind;
  if (kind !== 'unauthorized' && kind !== 'denied') return e;
  return notFound(`pull access denied for ${familiarName(parseDockerRef(name))}, repository does not exist or may require 'docker login': ${(e as Error).message}`);
}

async function createImage(ctx: RequestContext): Promise<void> {
  const fromImage = ctx.query.get('fromImage');
  const fromSrc = ctx.query.get('fromSrc');
  if (fromImage) return pullImage(ctx, fromImage);
  if (fromSrc) return importImage(ctx, fromSrc);
  throw badRequest('fromImage or fromSrc is required');
}

export const register: RegisterRoutes = (router) => {
  router.post('/images/create', createImage);
};
