// Container routes: create, list, inspect, lifecycle, attach, logs, wait, top, stats, changes,
// export, archive (docker cp), rename, update, prune, remove. The runtime lives in engine/runtime.
import * as fs from 'node:fs';
import type { Duplex } from 'node:stream';
import { openRuntime, readLogs, type DockerContainerConfig, type DockerHostConfig, type Runtime } from '../../runtime';
import { connectMonitor } from '../../runtime/containers/monitorClient';
import { inspect, summary } from '../../runtime/containers/views';
import { FrameReader } from '../../runtime/monitor/protocol';
import { archiveGet, archivePut, archiveStat, copyOwner, exportRootfs } from '../../runtime/containers/archive';
import { containerStats, containerTop } from '../../runtime/containers/metrics';
import type { Engine } from '../daemon';
import { badRequest, conflict, type RequestContext, type Router, stdcopyFrame, STDERR, STDOUT } from '../router';
import { takeBytes } from './takeBytes';
import type { RegisterRoutes } from './types';

const runtimes = new WeakMap<Engine, Promise<Runtime>>();

/** The engine's container runtime (opened once, shared by the containers, exec, volumes and commit routes). */
export function runtimeOf(engine: Engine): Promise<Runtime> {
  let r = runtimes.get(engine);
  if (!r) {
    r = openRuntime({
      dataRoot: engine.dataRoot,
      images: engine.images,
      runtime: engine.runtime,
      info: (m) => engine.log.info(m),
      warn: (m) => engine.log.warn(m),
      debug: (m) => engine.log.debug(m),
      onEvent: (action, rec, extra) => engine.events.publish('container', action, rec.Id, {
        ...(rec.Config.Labels ?? {}), image: rec.Config.Image ?? rec.Image, name: rec.Name.slice(1), ...extra,
      }),
    });
    runtimes.set(engine, r);
  }
  return r;
}

function timeParam(ctx: RequestContext, name: string): number | undefined {
  const v = ctx.query.get(name);
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw badRequest(`invalid value for ${name}: ${v}`);
  return t / 1000;
}

function optionalInt(ctx: RequestContext, name: string): number | undefined {
  const v = ctx.query.get(name);
  return v === null || v === '' ? undefined : ctx.int(name, 0);
}

export const register: RegisterRoutes = async (router: Router, engine: Engine) => {
  const rt = await runtimeOf(engine);
  const m = rt.manager;
  engine.containers = {
    usingImage: (imageId) => m.list().filter((r) => r.Image === imageId).map((r) => ({ id: r.Id, running: r.State.Running })),
    imagesInUse: () => new Set(m.list().map((r) => r.Image)),
    counts: () => {
      const all = m.list();
      return {
        running: all.filter((r) => r.State.Running && !r.State.Paused).length,
        paused: all.filter((r) => r.State.Paused).length,
        stopped: all.filter((r) => !r.State.Running).length,
      };
    },
    runtime: m.executor.name,
    shutdown: async () => m.shutdown(),
  };

  router.post('/containers/create', async (ctx) => {
    const body = (await ctx.json<DockerContainerConfig & { HostConfig?: DockerHostConfig }>()) ?? {};
    const { HostConfig, ...config } = body as DockerContainerConfig & { HostConfig?: DockerHostConfig; NetworkingConfig?: unknown };
    delete (config as { NetworkingConfig?: unknown }).NetworkingConfig;
    ctx.send(201, await m.create(ctx.query.get('name') || undefined, config, HostConfig ?? {}));
  });

  router.get('/containers/json', (ctx) => {
    const filters = ctx.filters();
    const all = ctx.bool('all') || filters.size > 0 && filters.has('status');
    let list = m.list().filter((r) => all || r.State.Running);
    for (const [key, values] of filters) {
      list = list.filter((r) => values.some((v) => {
        switch (key) {
          case 'id': return r.Id.startsWith(v);
          case 'name': return r.Name.slice(1).includes(v.replace(/^\//, ''));
          case 'status': return r.State.Status === v;
          case 'label': {
            const [k, val] = v.split('=', 2);
            return r.Config.Labels?.[k] !== undefined && (val === undefined || r.Config.Labels[k] === val);
          }
          case 'ancestor': return r.Config.Image === v || r.Image === v || r.Image.startsWith(`sha256:${v}`);
          case 'exited': return !r.State.Running && String(r.State.ExitCode) === v;
          case 'volume': return r.Mounts.some((mp) => mp.Name === v || mp.Destination === v);
          default: throw badRequest(`invalid filter '${key}'`);
        }
      }));
    }
    const limit = ctx.int('limit', -1);
    if (limit > 0) list = list.slice(0, limit);
    ctx.send(200, list.map(summary));
  });

  router.post('/containers/prune', async (ctx) => {
    const filters = ctx.filters();
    const labels = filters.get('label') ?? [];
    const until = filters.get('until')?.[0];
    const keep = (r: { Config: DockerContainerConfig; Created: string }) =>
      labels.some((l) => { const [k, v] = l.split('=', 2); return r.Config.Labels?.[k] === undefined || (v !== undefined && r.Config.Labels[k] !== v); })
      || (until !== undefined && Date.parse(r.Created) / 1000 > (/^\d+$/.test(until) ? Number(until) : Date.parse(until) / 1000));
    const res = await m.prune(keep);
    engine.events.publish('container', 'prune', '', { reclaimed: String(res.SpaceReclaimed) });
    ctx.send(200, res);
  });

  router.get('/containers/{id}/json', (ctx) => {
    const r = m.get(ctx.params.id);
    ctx.send(200, inspect(r, { logPath: m.logPath(r.Id), dir: m.dir(r.Id), execIds: rt.execs.ofContainer(r.Id) }));
  });

  router.post('/containers/{id}/start', async (ctx) => {
    const started = await m.start(ctx.params.id);
    ctx.send(started ? 204 : 304);
  });

  router.post('/containers/{id}/stop', async (ctx) => {
    const stopped = await m.stop(ctx.params.id, optionalInt(ctx, 't'), ctx.query.get('signal') || undefined);
    ctx.send(stopped ? 204 : 304);
  });

  router.post('/containers/{id}/restart', async (ctx) => {
    await m.restart(ctx.params.id, optionalInt(ctx, 't'), ctx.query.get('signal') || undefined);
    ctx.send(204);
  });

  router.post('/containers/{id}/kill', async (ctx) => {
    await m.kill(ctx.params.id, ctx.query.get('signal') || undefined);
    ctx.send(204);
  });

  router.post('/containers/{id}/pause', async (ctx) => {
    await m.pause(ctx.params.id);
    ctx.send(204);
  });

  router.post('/containers/{id}/unpause', async (ctx) => {
    await m.unpause(ctx.params.id);
    ctx.send(204);
  });

  router.post('/containers/{id}/rename', (ctx) => {
    const name = ctx.query.get('name');
    if (!name) throw badRequest('name is required');
    m.rename(ctx.params.id, name);
    ctx.send(204);
  });

  router.post('/containers/{id}/update', async (ctx) => {
    const r = m.get(ctx.params.id);
    const body = (await ctx.json<Record<string, unknown> & { RestartPolicy?: DockerHostConfig['RestartPolicy'] }>()) ?? {};
    const warnings: string[] = [];
    // the cgroup limits the engine has (set now in a running container's cgroups, and kept for its next start)
    const LIMITS = ['Memory', 'MemorySwap', 'NanoCpus', 'CpuQuota', 'CpuPeriod', 'CpuShares', 'PidsLimit'] as const;
    const limits: Record<string, number> = {};
    for (const k of LIMITS) if (body[k] !== undefined && body[k] !== null && body[k] !== 0) limits[k] = body[k] as number;
    if (Object.keys(limits).length) warnings.push(...await m.updateResources(r.Id, limits));
    if (body.RestartPolicy) m.updateRestartPolicy(r.Id, body.RestartPolicy);
    // anything else the CLI sent with a value (swap, blkio, cpuset…) the engine does not have: say so, change nothing
    const other = Object.keys(body).filter((k) => k !== 'RestartPolicy' && !(LIMITS as readonly string[]).includes(k) && body[k] && !(Array.isArray(body[k]) && (body[k] as unknown[]).length === 0));
    if (other.length) warnings.push(`Not supported, not applied: ${other.join(', ')}`);
    ctx.send(200, { Warnings: warnings });
  });

  router.post('/containers/{id}/wait', async (ctx) => {
    const condition = (ctx.query.get('condition') || 'not-running') as 'not-running' | 'next-exit' | 'removed';
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw badRequest(`invalid condition: "${condition}"`);
    const waiting = m.wait(ctx.params.id, condition);
    ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
    ctx.res.flushHeaders();
    const result = await waiting;
    ctx.res.end(JSON.stringify(result));
  });

  router.delete('/containers/{id}', async (ctx) => {
    await m.remove(ctx.params.id, { force: ctx.bool('force'), volumes: ctx.bool('v') });
    ctx.send(204);
  });

  router.post('/containers/{id}/attach', async (ctx) => {
    const r = m.get(ctx.params.id);
    const tty = !!r.Config.Tty;
    const want = { stdin: ctx.bool('stdin'), stdout: ctx.bool('stdout'), stderr: ctx.bool('stderr') };
    if (!ctx.bool('stream') && !ctx.bool('logs')) throw badRequest('either logs or stream must be set');
    if (!r.State.Running && r.State.Status !== 'created' && r.State.Status !== 'exited' && !ctx.bool('logs')) throw conflict(`container ${r.Id} is not running`);
    const client = ctx.hijack({ multiplexed: !tty });
    client.on('error', () => undefined);
    // The request body (dockerode sends the options as JSON) comes first on an upgraded socket: not stdin.
    if (ctx.req.headers.upgrade) await takeBytes(client, Number(ctx.req.headers['content-length'] ?? 0));
    if (ctx.bool('logs')) {
      for await (const l of readLogs(m.logPath(r.Id), { stdout: want.stdout, stderr: want.stderr })) {
        client.write(tty ? l.log : stdcopyFrame(l.stream === 'stderr' ? STDERR : STDOUT, l.log));
      }
    }
    if (!ctx.bool('stream')) {
      client.end();
      return;
    }
    const wire = async (socket?: string) => {
      const sock = await connectMonitor(m.dir(r.Id), { type: 'attach', ...want }, socket);
      sock.on('error', () => client.destroy());
      if (tty) {
        const reader = new FrameReader();
        sock.on('data', (c: Buffer) => reader.push(c, (_s, payload) => client.write(payload)));
      } else {
        sock.pipe(client as Duplex, { end: false });
      }
      sock.once('end', () => client.end());
      if (want.stdin) {
        client.on('data', (c: Buffer) => sock.write(c));
        client.once('end', () => sock.end());
      }
      client.once('close', () => sock.destroy());
    };
    if (r.State.Running) await wire().catch(() => client.end());
    else {
      const cancel = m.onNextStart(r.Id, wire, () => client.end());
      client.once('close', cancel);
    }
  });

  router.post('/containers/{id}/resize', async (ctx) => {
    const r = m.get(ctx.params.id);
    if (!r.State.Running) throw conflict(`Container ${r.Id} is not running`);
    const sock = await connectMonitor(m.dir(r.Id), { type: 'resize', height: ctx.int('h', 0), width: ctx.int('w', 0) });
    sock.on('error', () => undefined);
    sock.once('end', () => sock.destroy());
    sock.resume();
    await new Promise((res) => sock.once('close', res));
    ctx.send(200);
  });

  router.get('/containers/{id}/logs', async (ctx) => {
    const r = m.get(ctx.params.id);
    const stdout = ctx.bool('stdout');
    const stderr = ctx.bool('stderr');
    if (!stdout && !stderr) throw badRequest('Bad parameters: you must choose at least one stream');
    const tailRaw = ctx.query.get('tail');
    const tail = !tailRaw || tailRaw === 'all' ? undefined : Number(tailRaw);
    const tty = !!r.Config.Tty;
    const ac = new AbortController();
    ctx.res.once('close', () => ac.abort());
    ctx.res.writeHead(200, { 'Content-Type': tty ? 'application/vnd.docker.raw-stream' : 'application/vnd.docker.multiplexed-stream' });
    ctx.res.flushHeaders();
    const timestamps = ctx.bool('timestamps');
    for await (const l of readLogs(m.logPath(r.Id), {
      stdout, stderr, since: timeParam(ctx, 'since'), until: timeParam(ctx, 'until'), tail: Number.isNaN(tail) ? undefined : tail,
      follow: ctx.bool('follow'), running: () => m.find(r.Id)?.State.Running === true, signal: ac.signal,
    })) {
      const text = timestamps ? `${l.time} ${l.log}` : l.log;
      ctx.res.write(tty ? text : stdcopyFrame(l.stream === 'stderr' ? STDERR : STDOUT, text));
    }
    ctx.res.end();
  });

  router.get('/containers/{id}/top', async (ctx) => {
    const r = m.get(ctx.params.id);
    if (!r.State.Running) throw conflict(`Container ${r.Id} is not running`);
    ctx.send(200, await containerTop(r.State.Pid, ctx.query.get('ps_args') || undefined));
  });

  router.get('/containers/{id}/stats', async (ctx) => {
    const r = m.get(ctx.params.id);
    const stream = ctx.query.get('stream') === null ? true : ctx.bool('stream');
    const oneShot = ctx.bool('one-shot');
    const cg = m.executor.cgroupPath?.(r.Id);
    ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
    let prev = r.State.Running && !oneShot ? await containerStats(r, cg) : undefined;
    if (!stream) {
      if (prev) await new Promise((res) => setTimeout(res, 500));
      ctx.res.end(`${JSON.stringify(await containerStats(m.get(r.Id), cg, prev))}\n`);
      return;
    }
    let closed = false;
    ctx.res.once('close', () => { closed = true; });
    while (!closed) {
      const cur = await containerStats(m.get(r.Id), cg, prev);
      ctx.res.write(`${JSON.stringify(cur)}\n`);
      prev = cur;
      if (!m.find(r.Id)?.State.Running) break;
      await new Promise((res) => setTimeout(res, 1000));
    }
    ctx.res.end();
  });

  router.get('/containers/{id}/changes', async (ctx) => {
    const r = m.get(ctx.params.id);
    ctx.send(200, await rt.snapshots.changeKinds(r.Id));
  });

  // rootless with subordinate ids: reads of a rootfs go through the file helper in the user namespace
  const files = rt.snapshots.usernsFiles;
  router.get('/containers/{id}/export', async (ctx) => {
    const r = m.get(ctx.params.id);
    const rootfs = await rt.snapshots.mount(r.Id);
    ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    await (files ? files.tar(rootfs, undefined, ctx.res) : exportRootfs(rootfs, ctx.res));
    ctx.res.end();
  });

  const statHeader = (stat: object) => Buffer.from(JSON.stringify(stat)).toString('base64');
  const statOf = (rootfs: string, p: string) => (files ? files.stat(rootfs, p) : archiveStat(rootfs, p));
  router.head('/containers/{id}/archive', async (ctx) => {
    const r = m.get(ctx.params.id);
    const p = ctx.query.get('path');
    if (!p) throw badRequest('path is required');
    const stat = await statOf(await rt.snapshots.mount(r.Id), p);
    ctx.res.writeHead(200, { 'X-Docker-Container-Path-Stat': statHeader(stat) });
    ctx.res.end();
  });

  router.get('/containers/{id}/archive', async (ctx) => {
    const r = m.get(ctx.params.id);
    const p = ctx.query.get('path');
    if (!p) throw badRequest('path is required');
    const rootfs = await rt.snapshots.mount(r.Id);
    const stat = await statOf(rootfs, p);
    ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar', 'X-Docker-Container-Path-Stat': statHeader(stat) });
    await (files ? files.tar(rootfs, p, ctx.res) : archiveGet(rootfs, p, ctx.res));
    ctx.res.end();
  });

  router.put('/containers/{id}/archive', async (ctx) => {
    const r = m.get(ctx.params.id);
    const p = ctx.query.get('path');
    if (!p) throw badRequest('path is required');
    if (r.HostConfig.ReadonlyRootfs) throw conflict('container rootfs is marked read-only');
    const rootfs = await rt.snapshots.mount(r.Id);
    // docker cp -a: everything owned by the container's User (when it has one); else the tar's owners
    // noOverwriteDirNonDir (the docker CLI always sends it): no directory is replaced by a file or the reverse
    const put = { owner: ctx.bool('copyUIDGID') ? await copyOwner(rootfs, r.Config.User) : undefined, noOverwriteDirNonDir: ctx.bool('noOverwriteDirNonDir') };
    await m.whileFrozen(r.Id, () => (files ? files.put(rootfs, p, ctx.req, put) : archivePut(rootfs, p, ctx.req, put)));
    ctx.send(200);
  });
};

