// Public API of the registry client (engine/registry).
// Hand-written on purpose: the npm OCI/registry clients buffer blobs or write them outside a
// verified content store, and none implements Docker's credential order, realm policy, cross-repo
// mounts, chunked uploads and JSON progress together; those are the engine's core behaviour.
export { pull, type PullOptions, type PullResult } from './pull';
export { push, type PushOptions, type PushResult } from './push';
export { RegistryClient, registryEndpointHost, isLoopbackHost, type ClientOptions } from './client';
export { clientFor, type RegistryOptions } from './session';
export { RegistryError, type RegistryErrorKind } from './errors';
export { decodeRegistryAuth, credentialsFromDockerConfig, credentialHelperGet, configKey, DOCKER_HUB_CONFIG_KEY, type AuthConfig } from './credentials';
export { parseChallenges, validateRealm, repositoryScope, type Challenge } from './auth';
export { selectManifest, parsePlatform, normalizePlatform, defaultPlatform, formatPlatform, type PlatformSpec } from './platform';
export type { ProgressMessage, OnProgress } from './progress';
export { parseManifest, MANIFEST_ACCEPT } from './manifest';

import type { AuthConfig } from './credentials';
import { clientFor, type RegistryOptions } from './session';

/** `POST /auth` (docker login): verifies credentials against the registry. */
export async function login(serverAddress: string, auth: AuthConfig, opts: Omit<RegistryOptions, 'auth'> = {}): Promise<void> {
  const host = serverAddress.replace(/^https?:\/\//, '').split('/')[0] || 'docker.io';
  const domain = ['index.docker.io', 'registry-1.docker.io'].includes(host) ? 'docker.io' : host;
  const client = await clientFor(domain, { ...opts, auth, dockerConfigDir: false });
  await client.login();
}
