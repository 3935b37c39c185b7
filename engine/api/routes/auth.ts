// POST /auth (`docker login`): checks the credentials against the registry itself.
import { login } from '../../registry';
import { normalizeAuth, type AuthConfig } from '../../registry/credentials';
import { badRequest, unauthorized, type RequestContext } from '../router';
import type { RegisterRoutes } from './types';

async function loginRoute(ctx: RequestContext): Promise<void> {
  const body = await ctx.json<Record<string, unknown>>();
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('missing auth configuration');
  const lower = Object.fromEntries(Object.entries(body).map(([k, v]) => [k.toLowerCase(), typeof v === 'string' && v ? v : undefined])) as AuthConfig;
  const auth = normalizeAuth(lower);
  if (!auth) throw badRequest('username and password (or identity token) are required');
  const server = lower.serveraddress ?? 'https://index.docker.io/v1/';
  try {
    await login(server, auth, { insecureRegistries: ctx.engine.registry.insecureRegistries });
  } catch (e) {
    const kind = (e as { kind?: string }).kind;
    if (kind === 'unauthorized' || kind === 'denied') throw unauthorized(`login attempt to ${server} failed: ${(e as Error).message}`);
    throw e;
  }
  ctx.send(200, { Status: 'Login Succeeded', IdentityToken: '' });
}

export const register: RegisterRoutes = (router) => {
  router.post('/auth', loginRoute);
};
