// POST /auth (`docker login`): checks the credentials against the registry itself.
import { RegistryClient } from '../../registry/client';
import { normalizeAuth, type AuthConfig } from '../../registry/credentials';
import { badRequest, unauthorized, type RequestContext } from '../router';
import type { RegisterRoutes } from './types';

/** The registry host of a login server address (`https://index.docker.io/v1/` → `docker.io`). */
export function registryDomain(serverAddress: string | undefined): string {
  const host = (serverAddress ?? '').replace(/^https?:\/\//, '').split('/')[0];
  if (!host || ['index.docker.io', 'registry-1.docker.io', 'docker.io'].includes(host)) return 'docker.io';
  return host;
}

async function login(ctx: RequestContext): Promise<void> {
  const body = await ctx.json<AuthConfig & Record<string, unknown>>();
  if (!body || typeof body !== 'object') throw badRequest('missing auth configuration');
  const lower = Object.fromEntries(Object.entries(body).map(([k, v]) => [k.toLowerCase(), typeof v === 'string' ? v : undefined])) as AuthConfig;
  const auth = normalizeAuth(lower);
  if (!auth) throw badRequest('username and password (or identity token) are required');
  const client = new RegistryClient(registryDomain(lower.serveraddress), { auth, insecureRegistries: ctx.engine.registry.insecureRegistries });
  try {
    await client.login();
  } catch (e) {
    const kind = (e as { kind?: string }).kind;
    if (kind === 'unauthorized' || kind === 'denied') throw unauthorized(`login attempt to ${client.baseUrl}/v2/ failed: ${(e as Error).message}`);
    throw e;
  }
  ctx.send(200, { Status: 'Login Succeeded', IdentityToken: '' });
}

export const register: RegisterRoutes = (router) => {
  router.post('/auth', login);
};
