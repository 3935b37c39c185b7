// Credentials the docker CLI already has: ~/.docker/config.json `auths` (base64 user:password) and
// credential helpers (`credHelpers` per registry, `credsStore` for all) via `docker-credential-<name> get`.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'config.json');
}

/** The config.json key the CLI uses for a registry host (Docker Hub's is the legacy index URL). */
export function configKey(host: string): string {
  return host === 'docker.io' ? 'https://index.docker.io/v1/' : host;
}

export async function dockerConfigAuth(host: string, configFile = dockerConfigPath()): Promise<RegistryAuth | undefined> {
  let config: any;
  try {
    config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  } catch {
    return undefined;
  }
  const key = configKey(host);
  const candidates = [key, host, `https://${host}`, `http://${host}`];
  const helper = candidates.map((k) => config.credHelpers?.[k]).find(Boolean) ?? config.credsStore;
  if (helper) {
    const fromHelper = await credentialHelperGet(helper, key).catch(() => undefined);
    if (fromHelper) return fromHelper;
  }
  for (const k of candidates) {
    const entry = config.auths?.[k];
    if (entry?.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i > 0) return { username: decoded.slice(0, i), password: decoded.slice(i + 1), serveraddress: key };
    }
  }
  return undefined;
}

/** The credential-helper protocol: the server URL on stdin, `{Username, Secret}` JSON on stdout. */
function credentialHelperGet(helper: string, serverUrl: string): Promise<RegistryAuth | undefined> {
  return new Promise((resolve, reject) => {
    const child = execFile(`docker-credential-${helper}`, ['get'], { timeout: 10000 }, (err, stdout) => {
      if (err) return reject(err);
      const out = JSON.parse(stdout) as { Username?: string; Secret?: string };
      resolve(out.Username && out.Secret ? { username: out.Username, password: out.Secret, serveraddress: serverUrl } : undefined);
    });
    child.stdin?.end(serverUrl);
  });
}
