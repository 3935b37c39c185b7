// Exec routes: `POST /containers/{id}/exec`, `POST /exec/{id}/start` (hijacked), `/exec/{id}/resize`, `GET /exec/{id}/json`.
import type { Duplex } from 'node:stream';
import type { ExecConfig, ExecRecord } from '../../runtime/containers/exec';
import type { Engine } from '../daemon';
import { badRequest, type Router, stdcopyFrame, STDERR } from '../router';
import { runtimeOf } from './containers';
import { takeBytes } from './takeBytes';
import type { RegisterRoutes } from './types';

export const register: RegisterRoutes = async (router: Router, engine: Engine) => {
  const rt = await runtimeOf(engine);
  const publish = (action: string, containerId: string, execId: string, cmd: string[], extra: Record<string, string> = {}) => {
    const c = rt.manager.find(containerId);
    engine.events.publish('container', `${action}: ${cmd.join(' ')}`, containerId, { execID: execId, name: c?.Name.slice(1) ?? '', image: c?.Config.Image ?? '', ...extra });
  };

  router.post('/containers/{id}/exec', async (ctx) => {
    const config = (await ctx.json<ExecConfig>()) ?? ({} as ExecConfig);
    if (!Array.isArray(config.Cmd) || config.Cmd.length === 0) throw badRequest('No exec command specified');
    const c = rt.manager.get(ctx.params.id);
    const id = rt.execs.create(c.Id, config);
    publish('exec_create', c.Id, id, config.Cmd);
    ctx.send(201, { Id: id });
  });

  router.post('/exec/{id}/start', async (ctx) => {
    const e = rt.execs.get(ctx.params.id);
    type StartBody = { Detach?: boolean; Tty?: boolean; ConsoleSize?: [number, number] | null };
    // With `Upgrade: tcp`, Node hands the request body over as the first bytes of the upgraded
    // socket: read Content-Length bytes from there so they never reach the process stdin.
    const upgraded = !!ctx.req.headers.upgrade;
    const body: StartBody = upgraded ? {} : (await ctx.json<StartBody>()) ?? {};
    if (upgraded) {
      const stream = ctx.hijack({ multiplexed: !e.config.Tty });
      const raw = await takeBytes(stream, Number(ctx.req.headers['content-length'] ?? 0));
      const parsed = raw.length ? JSON.parse(raw.toString('utf8')) as StartBody : {};
      return run(e, parsed, stream);
    }
    if (body.Detach) {
      publish('exec_start', e.containerId, e.id, e.config.Cmd);
      const running = rt.execs.start(e.id, undefined);
      ctx.send(200);
      void running.then((code) => publish('exec_die', e.containerId, e.id, e.config.Cmd, { exitCode: String(code) }), () => undefined);
      return;
    }
    return run(e, body, ctx.hijack({ multiplexed: !e.config.Tty }));
  });

  async function run(e: ExecRecord, body: { Tty?: boolean; ConsoleSize?: [number, number] | null }, stream: Duplex): Promise<void> {
    if (body.Tty !== undefined) e.config.Tty = body.Tty;
    if (body.ConsoleSize) e.config.ConsoleSize = body.ConsoleSize;
    publish('exec_start', e.containerId, e.id, e.config.Cmd);
    stream.on('error', () => undefined);
    try {
      const code = await rt.execs.start(e.id, stream);
      publish('exec_die', e.containerId, e.id, e.config.Cmd, { exitCode: String(code) });
    } catch (err) {
      // the connection already carries the process streams: the error goes out as its stderr
      const msg = `${(err as Error).message}\n`;
      stream.write(e.config.Tty ? msg : stdcopyFrame(STDERR, msg));
    }
    stream.end();
  }

  router.post('/exec/{id}/resize', (ctx) => {
    rt.execs.resize(ctx.params.id, ctx.int('h', 0), ctx.int('w', 0));
    ctx.send(200);
  });

  router.get('/exec/{id}/json', (ctx) => {
    const e = rt.execs.get(ctx.params.id);
    const [entrypoint, ...args] = e.config.Cmd;
    ctx.send(200, {
      ID: e.id, Running: e.running, ExitCode: e.exitCode, ProcessConfig: { tty: !!e.config.Tty, entrypoint, arguments: args, privileged: !!e.config.Privileged, user: e.config.User ?? '' },
      OpenStdin: !!e.config.AttachStdin, OpenStderr: !!e.config.AttachStderr, OpenStdout: !!e.config.AttachStdout, CanRemove: false,
      ContainerID: e.containerId, DetachKeys: '', Pid: e.pid,
    });
  });
};
