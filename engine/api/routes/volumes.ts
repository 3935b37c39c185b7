// Volume routes: `/volumes` list, create, inspect, remove, prune (Docker's local driver).
// VolumeError carries its HTTP status, which the router maps.
import type { Engine } from '../daemon';
import { badRequest, type Router } from '../router';
import { runtimeOf } from './containers';
import type { RegisterRoutes } from './types';

export const register: RegisterRoutes = async (router: Router, engine: Engine) => {
  const rt = await runtimeOf(engine);
  const v = rt.volumes;
  const usage = (name: string) => rt.manager.volumeUsers(name);

  router.get('/volumes', (ctx) => {
    const filters = ctx.filters();
    let list = v.list();
    for (const [key, values] of filters) {
      list = list.filter((vol) => values.some((val) => {
        switch (key) {
          case 'name': return vol.Name.includes(val);
          case 'dangling': return (val === 'true' || val === '1') === (usage(vol.Name).length === 0);
          case 'driver': return val === 'local';
          case 'label': {
            const [k, x] = val.split('=', 2);
            return vol.Labels[k] !== undefined && (x === undefined || vol.Labels[k] === x);
          }
          default: throw badRequest(`invalid filter '${key}'`);
        }
      }));
    }
    ctx.send(200, { Volumes: list, Warnings: [] });
  });

  router.post('/volumes/create', async (ctx) => {
    const body = (await ctx.json<{ Name?: string; Driver?: string; DriverOpts?: Record<string, string>; Labels?: Record<string, string> }>()) ?? {};
    if (body.Driver && body.Driver !== 'local') throw badRequest(`volume driver ${body.Driver} is not supported (only local)`);
    const vol = v.create(body.Name, { labels: body.Labels ?? {}, options: body.DriverOpts ?? {} });
    engine.events.publish('volume', 'create', vol.Name, { driver: 'local' });
    ctx.send(201, vol);
  });

  router.post('/volumes/prune', (ctx) => {
    const filters = ctx.filters();
    const all = (filters.get('all') ?? []).some((x) => x === 'true' || x === '1');
    const labels = filters.get('label') ?? [];
    const inUse = new Set(rt.manager.list().flatMap((c) => c.Mounts.filter((m) => m.Name).map((m) => m.Name!)));
    const res = v.prune(inUse, all, (vol) => labels.every((l) => {
      const [k, x] = l.split('=', 2);
      return vol.Labels[k] !== undefined && (x === undefined || vol.Labels[k] === x);
    }));
    engine.events.publish('volume', 'prune', '', { reclaimed: String(res.reclaimed) });
    ctx.send(200, { VolumesDeleted: res.deleted, SpaceReclaimed: res.reclaimed });
  });

  router.get('/volumes/{name}', (ctx) => {
    ctx.send(200, v.get(ctx.params.name));
  });

  router.delete('/volumes/{name}', (ctx) => {
    v.remove(ctx.params.name, usage(ctx.params.name), ctx.bool('force'));
    engine.events.publish('volume', 'destroy', ctx.params.name, { driver: 'local' });
    ctx.send(204);
  });
};
