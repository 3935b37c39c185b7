// `POST /images/create?fromSrc=-` (docker import): the request body is a rootfs tarball.
import { familiarString, importRootfs, parseReference } from '../../image';
import { badRequest, notImplemented, type RequestContext } from '../router';
import { DeferredJsonMessageWriter } from '../streams';

export async function importImage(ctx: RequestContext, fromSrc: string): Promise<void> {
  if (fromSrc !== '-') throw notImplemented('importing from a URL is not supported: send the tarball in the request body (fromSrc=-)');
  const repo = ctx.query.get('repo') ?? '';
  const tag = ctx.query.get('tag') ?? '';
  let reference: string | undefined;
  if (repo) {
    const ref = parseReference(repo); // 400 on an invalid name
    if (tag && (ref.tag || ref.digest)) throw badRequest(`invalid repository name with a tag and the tag parameter: ${repo}`);
    reference = tag ? `${repo}:${tag}` : repo;
  }
  const [os, architecture, variant] = (ctx.query.get('platform') || '').split('/');
  const out = new DeferredJsonMessageWriter(ctx.res, () => true);
  try {
    const rec = await importRootfs(ctx.engine.images, ctx.req, {
      reference,
      changes: ctx.query.getAll('changes'),
      message: ctx.query.get('message') ?? undefined,
      source: fromSrc,
      os: os || undefined, architecture: architecture || undefined, variant: variant || undefined,
    });
    ctx.engine.events.publish('image', 'import', rec.id, reference ? { name: familiarString(parseReference(reference)) } : {});
    out.write({ status: rec.id });
    out.end();
  } catch (e) {
    out.fail(e);
  }
}
