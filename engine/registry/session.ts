// Options shared by pull/push and how a client for a registry is made from them.
import { RegistryClient } from './client';
import { configKey, credentialsFromDockerConfig, defaultDockerConfigDir, type AuthConfig } from './credentials';

export interface RegistryOptions {
  /** Credentials from the API (`X-Registry-Auth`, decoded); they win over config.json. */
  auth?: AuthConfig;
  /** Docker config dir for config.json lookups; `false` disables them. Default `$DOCKER_CONFIG` or `~/.docker`. */
  dockerConfigDir?: string | false;
  /** `host[:port]` registries spoken to over plain http (loopback always is). */
  insecureRegistries?: string[];
  signal?: AbortSignal;
  /** Attempts for transient failures; default 3. */
  attempts?: number;
}

export async function clientFor(domain: string, opts: RegistryOptions): Promise<RegistryClient> {
  let auth = opts.auth;
  if (!auth && opts.dockerConfigDir !== false) auth = await credentialsFromDockerConfig(domain === 'docker.io' ? configKey(domain) : domain, opts.dockerConfigDir ?? defaultDockerConfigDir());
  return new RegistryClient(domain, { auth, insecureRegistries: opts.insecureRegistries, signal: opts.signal, attempts: opts.attempts });
}
