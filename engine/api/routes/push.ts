// POST /images/{name}/push: pushes one tag (or, without `tag`, every tag of the repository).
import { familiarString, parseDockerRef, parseReference, referenceString, repositoryName } from '../../image';
import { decodeRegistryAuth, push } from '../../registry';
import { notFound, type RequestContext } from '../router';
import { DeferredJsonMessageWriter } from '../streams';
import type { RegisterRoutes } from './types';

async function tagsToPush(ctx: RequestContext, name: string, tag: string | null): Promise<string[]> {
  const repo = parseReference(name);
  if (tag || repo.tag || repo.digest) {
    const ref = tag ? `${repositoryName(repo)}:${tag}` : referenceString(repo);
    try {
      await ctx.engine.images.resolve(ref);
    } catch {
      throw notFound(`An image does not exist locally with the tag: ${familiarString(parseDockerRef(ref))}`);
    }
    return [ref];
  }
  const refs = Object.keys(await ctx.engine.images.references()).map(parseReference)
    .filter((r) => r.tag && repositoryName(r) === repositoryName(repo));
  if (!refs.length) throw notFound(`An image does not exist locally with the tag: ${familiarString(repo)}`);
  return refs.map(referenceString).sort();
}

async function pushImage(ctx: RequestContext): Promise<void> {
  const refs = await tagsToPush(ctx, ctx.params.name, ctx.query.get('tag'));
  const out = new DeferredJsonMessageWriter(ctx.res, () => true);
  const abort = new AbortController();
  ctx.res.on('close', () => { if (!ctx.res.writableFinished) abort.abort(); });
  try {
    for (const ref of refs) {
      const result = await push(ref, ctx.engine.images, {
        auth: decodeRegistryAuth(ctx.req.headers['x-registry-auth'] as string | undefined),
        dockerConfigDir: false, // the daemon never reads config.json: the client sends credentials
        insecureRegistries: ctx.engine.registry.insecureRegistries,
        concurrency: ctx.engine.registry.maxConcurrentUploads,
        signal: abort.signal,
      }, out.write);
      ctx.engine.events.publish('image', 'push', familiarString(parseDockerRef(ref)), { name: familiarString(parseDockerRef(ref)), digest: result.digest });
    }
    out.end();
  } catch (e) {
    out.fail(e);
  }
}

export const register: RegisterRoutes = (router) => {
  router.post('/images/{name:*}/push', pushImage);
};
