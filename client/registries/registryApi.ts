// A small Distribution (v2) API reader for the Registries view: catalog and tags, with the registry's
// Basic or Bearer-token auth challenge. (Pull and push go through the engine, not through here.)
import type { RegistryAuth } from './dockerConfigAuth';

export interface RegistryEndpoint {
  /** Host[:port] as used in image references (`docker.io` for Docker Hub). */
  host: string;
  /** Base URL of the v2 API. */
  apiUrl: string;
}

export function registryEndpoint(hostOrUrl: string): RegistryEndpoint {
  const trimmed = hostOrUrl.trim().replace(/\/+$/, '');
  const url = /^https?:\/\//.test(trimmed) ? new URL(trimmed) : undefined;
  const host = (url ? url.host : trimmed).toLowerCase();
  if (host === 'docker.io' || host === 'index.docker.io' || host === 'registry-1.docker.io' || host === 'hub.docker.com') {
    return { host: 'docker.io', apiUrl: 'https://registry-1.docker.io' };
  }
  // Like the docker daemon: plain HTTP only for loopback registries unless a scheme is given.
  const scheme = url ? url.protocol.slice(0, -1) : /^(localhost|127\.\d+\.\d+\.\d+)(:\d+)?$/.test(host) ? 'http' : 'https';
  return { host, apiUrl: `${scheme}://${host}` };
}

export class RegistryApi {
  private token: string | undefined;

  constructor(readonly endpoint: RegistryEndpoint, private readonly auth?: RegistryAuth) {}

  /** Repositories from /v2/_catalog (registries that allow it; Docker Hub does not). */
  async repositories(): Promise<string[]> {
    const body = await this.getJson('/v2/_catalog?n=1000', 'registry:catalog:*');
    return (body.repositories ?? []) as string[];
  }

  async tags(repository: string): Promise<string[]> {
    const body = await this.getJson(`/v2/${repository}/tags/list`, `repository:${repository}:pull`);
    return ((body.tags ?? []) as string[]).sort();
  }

  /** Checks that the registry answers and accepts the credentials. */
  async check(): Promise<void> {
    await this.getJson('/v2/', 'registry:catalog:*');
  }

  private async getJson(pathAndQuery: string, scope: string): Promise<any> {
    const url = `${this.endpoint.apiUrl}${pathAndQuery}`;
    let res = await fetch(url, { headers: this.headers() });
    if (res.status === 401) {
      await this.answerChallenge(res.headers.get('www-authenticate') ?? '', scope);
      res = await fetch(url, { headers: this.headers() });
    }
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    const text = await res.text();
    return text ? JSON.parse(text) : {};
  }

  private headers(): Record<string, string> {
    if (this.token) return { Authorization: `Bearer ${this.token}` };
    if (this.auth) return { Authorization: `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}` };
    return {};
  }

  private async answerChallenge(challenge: string, scope: string): Promise<void> {
    if (!/^Bearer\s/i.test(challenge)) {
      if (!this.auth) throw new Error(`${this.endpoint.host} needs credentials: connect it with a user name and password`);
      throw new Error(`${this.endpoint.host} rejected the credentials`);
    }
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const tokenUrl = new URL(params.realm);
    if (params.service) tokenUrl.searchParams.set('service', params.service);
    tokenUrl.searchParams.set('scope', params.scope ?? scope);
    const basic = this.auth ? { Authorization: `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}` } : undefined;
    const res = await fetch(tokenUrl, { headers: basic });
    if (!res.ok) throw new Error(`${this.endpoint.host}: token request failed with HTTP ${res.status}`);
    const body = await res.json() as { token?: string; access_token?: string };
    this.token = body.token ?? body.access_token;
  }
}
