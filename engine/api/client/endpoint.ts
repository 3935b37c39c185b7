// Resolves the `dockwright.engine` setting into a concrete Engine API endpoint, the way the docker CLI
// does: an explicit URL, or `docker` = DOCKER_HOST / DOCKER_CONTEXT / the current context in
// ~/.docker/config.json (contexts/meta) / the default socket; `bundled` = Dockwright's own daemon.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Verify the server certificate against `ca` (DOCKER_TLS_VERIFY); otherwise encrypt only. */
  verify: boolean;
}

export type EngineEndpoint =
  | { kind: 'unix'; socketPath: string; url: string }
  | { kind: 'tcp'; host: string; port: number; tls?: TlsMaterial; url: string }
  | { kind: 'ssh'; host: string; port: number; username?: string; url: string };

export interface ResolveEnv {
  env: NodeJS.ProcessEnv;
  /** Home directory holding `.docker/` (overridable for tests). */
  home: string;
  uid: number;
}

export const defaultResolveEnv = (): ResolveEnv => ({ env: process.env, home: os.homedir(), uid: process.getuid?.() ?? 1000 });

/**
 * The bundled engine's socket (design: `$XDG_RUNTIME_DIR/dockwright/engine.sock`, `/run/dockwright/engine.sock`
 * as root); `DOCKWRIGHT_ENGINE_SOCKET` overrides it (tests, several side-by-side installs).
 */
export function bundledSocketPath(r: ResolveEnv = defaultResolveEnv()): string {
  if (r.env.DOCKWRIGHT_ENGINE_SOCKET) return r.env.DOCKWRIGHT_ENGINE_SOCKET;
  if (r.uid === 0) return '/run/dockwright/engine.sock';
  const runtimeDir = r.env.XDG_RUNTIME_DIR || path.join(os.tmpdir(), `dockwright-${r.uid}`);
  return path.join(runtimeDir, 'dockwright', 'engine.sock');
}

/** The bundled engine's data root (its defaults; `DOCKWRIGHT_DATA_ROOT` overrides). */
export function bundledDataRoot(r: ResolveEnv = defaultResolveEnv()): string {
  if (r.env.DOCKWRIGHT_DATA_ROOT) return r.env.DOCKWRIGHT_DATA_ROOT;
  if (r.uid === 0) return '/var/lib/dockwright';
  return path.join(r.env.XDG_DATA_HOME || path.join(r.home, '.local', 'share'), 'dockwright');
}

/** Resolves a setting value (`bundled`, `docker`, or a `unix://` `tcp://` `ssh://` URL). Throws a readable error. */
export function resolveEndpoint(setting: string, r: ResolveEnv = defaultResolveEnv()): EngineEndpoint {
  const value = setting.trim() || 'bundled';
  if (value === 'bundled') return parseHostUrl(`unix://${bundledSocketPath(r)}`, r);
  if (value === 'docker') return resolveDockerCliEndpoint(r);
  return parseHostUrl(value, r);
}

/** DOCKER_HOST, else DOCKER_CONTEXT or config.json's currentContext, else /var/run/docker.sock. */
export function resolveDockerCliEndpoint(r: ResolveEnv): EngineEndpoint {
  if (r.env.DOCKER_HOST) return parseHostUrl(r.env.DOCKER_HOST, r);
  const configDir = r.env.DOCKER_CONFIG || path.join(r.home, '.docker');
  const contextName = r.env.DOCKER_CONTEXT || readJson(path.join(configDir, 'config.json'))?.currentContext;
  if (contextName && contextName !== 'default') return contextEndpoint(configDir, contextName, r);
  return { kind: 'unix', socketPath: '/var/run/docker.sock', url: 'unix:///var/run/docker.sock' };
}

/** A docker context as stored by the CLI: contexts/meta/<sha256(name)>/meta.json + contexts/tls/<sha256(name)>/docker/. */
export function contextEndpoint(configDir: string, name: string, r: ResolveEnv): EngineEndpoint {
  const id = createHash('sha256').update(name).digest('hex');
  const meta = readJson(path.join(configDir, 'contexts', 'meta', id, 'meta.json'));
  const docker = meta?.Endpoints?.docker;
  if (!docker?.Host) throw new Error(`docker context '${name}' not found in ${path.join(configDir, 'contexts')}`);
  const tlsDir = path.join(configDir, 'contexts', 'tls', id, 'docker');
  const hasTls = fs.existsSync(tlsDir);
  const endpoint = parseHostUrl(docker.Host, { ...r, env: { ...r.env, DOCKER_TLS_VERIFY: '', DOCKER_CERT_PATH: '' } });
  if (endpoint.kind === 'tcp' && hasTls) endpoint.tls = readTls(tlsDir, !docker.SkipTLSVerify);
  return endpoint;
}

/** Parses `unix:///path`, `tcp://host:port`, `ssh://[user@]host[:port]` (TLS for tcp from DOCKER_TLS_VERIFY/DOCKER_CERT_PATH). */
export function parseHostUrl(url: string, r: ResolveEnv): EngineEndpoint {
  if (url.startsWith('unix://')) {
    const socketPath = url.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new Error(`invalid engine URL '${url}': a unix socket path must be absolute`);
    return { kind: 'unix', socketPath, url };
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`invalid engine '${url}': use 'bundled', 'docker', unix:///path.sock, tcp://host:port or ssh://user@host`);
  }
  if (u.protocol === 'tcp:' || u.protocol === 'http:' || u.protocol === 'https:') {
    const verifyEnv = r.env.DOCKER_TLS_VERIFY;
    const verify = verifyEnv !== undefined && verifyEnv !== '' && verifyEnv !== '0' && verifyEnv !== 'false';
    const port = Number(u.port || (verify || u.protocol === 'https:' ? 2376 : 2375));
    const useTls = verify || u.protocol === 'https:' || port === 2376 || Boolean(r.env.DOCKER_TLS);
    const certDir = r.env.DOCKER_CERT_PATH || path.join(r.env.DOCKER_CONFIG || path.join(r.home, '.docker'));
    return { kind: 'tcp', host: u.hostname, port, url, tls: useTls ? readTls(certDir, verify) : undefined };
  }
  if (u.protocol === 'ssh:') {
    return { kind: 'ssh', host: u.hostname, port: Number(u.port || 22), username: u.username ? decodeURIComponent(u.username) : undefined, url };
  }
  throw new Error(`unsupported engine URL scheme '${u.protocol}' in '${url}': use unix://, tcp:// or ssh://`);
}

function readTls(dir: string, verify: boolean): TlsMaterial {
  const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f)) : undefined);
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), verify };
}

function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
