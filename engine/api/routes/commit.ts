// `POST /commit`: a container's filesystem changes as a new image (engine/runtime/containers/commit).
import { familiarString, parseReference, type ContainerConfig } from '../../image';
import { commitContainer } from '../../runtime/containers/commit';
import type { Engine } from '../daemon';
import { badRequest, type Router } from '../router';
import { runtimeOf } from './containers';
import type { RegisterRoutes } from './types';

export const register: RegisterRoutes = async (router: Router, engine: Engine) => {
  const rt = await runtimeOf(engine);
  router.post('/commit', async (ctx) => {
    const container = ctx.query.get('container');
    if (!container) throw badRequest('container is required');
    const repo = ctx.query.get('repo');
    const tag = ctx.query.get('tag');
    const refs = repo ? [parseReference(tag ? `${repo}:${tag}` : repo)] : [];
    const id = await commitContainer(rt.manager, rt.snapshots, engine.images, {
      container,
      refs,
      author: ctx.query.get('author') ?? undefined,
      comment: ctx.query.get('comment') ?? undefined,
      changes: ctx.query.getAll('changes').flatMap((c) => c.split('\n')).filter((c) => c.trim()),
      pause: ctx.query.get('pause') === null ? true : ctx.bool('pause'),
      config: (await ctx.json<ContainerConfig>()) ?? undefined,
    });
    const c = rt.manager.get(container);
    engine.events.publish('container', 'commit', c.Id, { name: c.Name.slice(1), image: c.Config.Image ?? '', comment: ctx.query.get('comment') ?? '' });
    for (const r of refs) engine.events.publish('image', 'tag', id, { name: familiarString(r) });
    ctx.send(201, { Id: id });
  });
};
