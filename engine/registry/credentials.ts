// Where registry credentials come from, in Docker's order: the API request (`X-Registry-Auth`),
// then ~/.docker/config.json: `credHelpers[host]`, `credsStore`, `auths[host]`. Helper programs
// (`docker-credential-<name> get`) are real processes; their output stays in memory and is never logged.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Docker's AuthConfig (as sent by the CLI in `X-Registry-Auth` and `/auth`). */
export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  email?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';

/** Decodes `X-Registry-Auth` (base64url JSON; the CLI also sends standard base64). Empty → undefined. */
export function decodeRegistryAuth(header: string | undefined): AuthConfig | undefined {
  if (!header || !header.trim()) return undefined;
  try {
    const json = Buffer.from(header.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    const raw = JSON.parse(json) as Record<string, unknown>;
    const lower: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) lower[k.toLowerCase()] = v;
    const pick = (k: string) => (typeof lower[k] === 'string' && lower[k] ? (lower[k] as string) : undefined);
    const cfg: AuthConfig = {
      username: pick('username'), password: pick('password'), auth: pick('auth'), email: pick('email'),
      serveraddress: pick('serveraddress'), identitytoken: pick('identitytoken'), registrytoken: pick('registrytoken'),
    };
    return normalizeAuth(cfg);
  } catch {
    return undefined;
  }
}

/** Expands `auth` (base64 `user:pass`) into username/password; undefined when empty. */
export function normalizeAuth(cfg: AuthConfig): AuthConfig | undefined {
  const out = { ...cfg };
  if (out.auth && !out.username) {
    const s = Buffer.from(out.auth, 'base64').toString('utf8');
    const i = s.indexOf(':');
    if (i > 0) {
      out.username = s.slice(0, i);
      out.password = s.slice(i + 1);
    }
  }
  return out.username || out.password || out.identitytoken || out.registrytoken ? out : undefined;
}

/** The config.json key of a registry host (Docker Hub uses its legacy index URL). */
export function configKey(registryHost: string): string {
  return ['docker.io', 'index.docker.io', 'registry-1.docker.io'].includes(registryHost) ? DOCKER_HUB_CONFIG_KEY : registryHost;
}

/** Docker's ConvertToHostname: strips scheme and path from a config.json key. */
function keyHostname(key: string): string {
  const s = key.replace(/^https?:\/\//, '');
  return s.split('/')[0];
}

interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string; email?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** `$DOCKER_CONFIG` or `~/.docker`. */
export function defaultDockerConfigDir(): string {
  return process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
}

/** Looks up credentials for a registry host in a docker config dir. */
export async function credentialsFromDockerConfig(registryHost: string, configDir = defaultDockerConfigDir()): Promise<AuthConfig | undefined> {
  let cfg: DockerConfigFile;
  try {
    cfg = JSON.parse(await fs.promises.readFile(path.join(configDir, 'config.json'), 'utf8')) as DockerConfigFile;
  } catch {
    return undefined;
  }
  const key = configKey(registryHost);
  const helper = cfg.credHelpers?.[key];
  if (helper) return credentialHelperGet(helper, key);
  if (cfg.credsStore) {
    const fromStore = await credentialHelperGet(cfg.credsStore, key);
    if (fromStore) return fromStore;
  }
  const auths = cfg.auths ?? {};
  const entry = auths[key] ?? Object.entries(auths).find(([k]) => keyHostname(k) === keyHostname(key))?.[1];
  if (!entry) return undefined;
  return normalizeAuth({ ...entry, serveraddress: key });
}

export class CredentialHelperError extends Error {
  override name = 'CredentialHelperError';
}

/** Runs `docker-credential-<helper> get` with the server URL on stdin (Docker's protocol). */
export function credentialHelperGet(helper: string, serverUrl: string): Promise<AuthConfig | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(helper)) return Promise.reject(new CredentialHelperError(`invalid credential helper name ${JSON.stringify(helper)}`));
  return new Promise((resolve, reject) => {
    const child = execFile(`docker-credential-${helper}`, ['get'], { timeout: 30_000, maxBuffer: 1 << 20, encoding: 'utf8' }, (err, stdout) => {
      if (err) {
        const out = `${stdout ?? ''}`.trim();
        if (/credentials not found/i.test(out)) return resolve(undefined);
        const code = (err as NodeJS.ErrnoException).code;
        return reject(new CredentialHelperError(code === 'ENOENT'
          ? `error getting credentials - docker-credential-${helper} not found in PATH`
          : `error getting credentials - docker-credential-${helper} get failed: ${out.split('\n')[0] || err.message}`));
      }
      try {
        const j = JSON.parse(stdout) as { Username?: string; Secret?: string; ServerURL?: string };
        if (!j.Secret && !j.Username) return resolve(undefined);
        resolve(j.Username === '<token>'
          ? { identitytoken: j.Secret, serveraddress: serverUrl }
          : { username: j.Username, password: j.Secret, serveraddress: serverUrl });
      } catch {
        reject(new CredentialHelperError(`error getting credentials - docker-credential-${helper} returned invalid JSON`));
      }
    });
    // a helper that exits without reading (or is missing) closes the pipe: its exit status tells
    child.stdin?.on('error', () => {});
    child.stdin?.end(serverUrl);
  });
}
