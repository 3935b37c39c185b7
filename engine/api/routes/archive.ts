// docker save (`GET /images/get`, `GET /images/{name}/get`) and docker load (`POST /images/load`).
import { loadImages, saveImages } from '../../image';
import { statusOf } from '../errors';
import { badRequest, type RequestContext } from '../router';
import { DeferredJsonMessageWriter } from '../streams';
import type { RegisterRoutes } from './types';

async function save(ctx: RequestContext, names: string[]): Promise<void> {
  if (!names.length) throw badRequest('no image names given');
  for (const name of names) await ctx.engine.images.resolve(name); // 404 before the tar starts
  ctx.res.setHeader('Content-Type', 'application/x-tar');
  await saveImages(ctx.engine.images, names, ctx.res);
  for (const name of names) ctx.engine.events.publish('image', 'save', name, { name });
}

async function load(ctx: RequestContext): Promise<void> {
  const out = new DeferredJsonMessageWriter(ctx.res, () => true);
  try {
    const result = await loadImages(ctx.engine.images, ctx.req, (line) => out.write({ stream: `${line}\n` }));
    for (const img of result.images) ctx.engine.events.publish('image', 'load', img.id, img.tags[0] ? { name: img.tags[0] } : {});
    out.end();
  } catch (e) {
    out.fail(asInputError(e));
  }
}

/** A tar that cannot be read is the client's fault (400); system errors (ENOSPC, EACCES…) stay 500. */
function asInputError(e: unknown): unknown {
  const code = (e as { code?: unknown }).code;
  if (statusOf(e) !== 500 || (typeof code === 'string' && /^E[A-Z]+$/.test(code))) return e;
  return badRequest(`invalid image archive: ${(e as Error).message}`);
}

export const register: RegisterRoutes = (router) => {
  router
    .get('/images/get', (ctx) => save(ctx, ctx.query.getAll('names')))
    .post('/images/load', load)
    .get('/images/{name:*}/get', (ctx) => save(ctx, [ctx.params.name]));
};
