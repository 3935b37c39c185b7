// Command-line flags of the daemon, named like dockerd's.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { isLogLevel, type LogLevel, type RuntimeChoice } from './daemon';

export interface DaemonOptions {
  /** `unix:///path.sock` or `tcp://HOST:PORT` listen addresses. */
  hosts: string[];
  dataRoot: string;
  insecureRegistries: string[];
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
  logLevel: LogLevel;
  runtime: RuntimeChoice;
  /** Group that may use the socket (socket 0660 and directory 0750 for that group). */
  group?: string;
}

export const DEFAULT_DOWNLOADS = 3;
export const DEFAULT_UPLOADS = 5;

export const USAGE = `Usage: dockwright-engine [OPTIONS]

  -H, --host ADDR               unix:///path.sock or tcp://127.0.0.1:PORT (repeatable)
      --data-root DIR           root of persistent state
      --insecure-registry HOST  registry tried over HTTPS without certificate checks, then plain HTTP (repeatable)
      --max-concurrent-downloads N  parallel layer downloads per pull (default ${DEFAULT_DOWNLOADS})
      --max-concurrent-uploads N    parallel layer uploads per push (default ${DEFAULT_UPLOADS})
  -l, --log-level LEVEL         debug|info|warn|error|fatal (default info)
      --runtime NAME            auto|crun|runc|rootless (default auto)
  -G, --group GROUP             group owning the unix socket (mode 0660)
  -h, --help                    print this help
`;

/** Defaults follow design.md: per-user XDG dirs when not root, system dirs as root. */
export function defaultPaths(env: NodeJS.ProcessEnv, uid: number): { host: string; dataRoot: string } {
  if (uid === 0) return { host: 'unix:///run/dockwright/engine.sock', dataRoot: '/var/lib/dockwright' };
  const home = env.HOME ?? `/home/${uid}`;
  const runtimeDir = env.XDG_RUNTIME_DIR || `/run/user/${uid}`;
  const dataHome = env.XDG_DATA_HOME || path.join(home, '.local/share');
  return { host: `unix://${path.join(runtimeDir, 'dockwright/engine.sock')}`, dataRoot: path.join(dataHome, 'dockwright') };
}

/** Parses argv (without node and script); throws an Error with a usage hint on bad input. */
export function parseFlags(argv: string[], env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? 0): DaemonOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', short: 'H', multiple: true },
      'data-root': { type: 'string' },
      'insecure-registry': { type: 'string', multiple: true },
      'max-concurrent-downloads': { type: 'string' },
      'max-concurrent-uploads': { type: 'string' },
      'log-level': { type: 'string', short: 'l' },
      runtime: { type: 'string' },
      group: { type: 'string', short: 'G' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
    strict: true,
  });
  if (values.help) return 'help';
  const defaults = defaultPaths(env, uid);
  const logLevel = values['log-level'] ?? 'info';
  if (!isLogLevel(logLevel)) throw new Error(`invalid --log-level ${logLevel}: expected debug, info, warn, error or fatal`);
  const runtime = values.runtime ?? 'auto';
  if (!['auto', 'crun', 'runc', 'rootless'].includes(runtime)) throw new Error(`invalid --runtime ${runtime}: expected auto, crun, runc or rootless`);
  const hosts = values.host ?? [defaults.host];
  for (const h of hosts) {
    if (!/^unix:\/\/\/.+/.test(h) && !/^tcp:\/\/[^/]+:\d+$/.test(h)) throw new Error(`invalid --host ${h}: expected unix:///path.sock or tcp://HOST:PORT`);
  }
  const count = (flag: string, v: string | undefined, fallback: number) => {
    if (v === undefined) return fallback;
    if (!/^[1-9]\d*$/.test(v)) throw new Error(`invalid --${flag} ${v}: expected a positive integer`);
    return Number(v);
  };
  return {
    hosts,
    dataRoot: path.resolve(values['data-root'] ?? defaults.dataRoot),
    insecureRegistries: values['insecure-registry'] ?? [],
    maxConcurrentDownloads: count('max-concurrent-downloads', values['max-concurrent-downloads'], DEFAULT_DOWNLOADS),
    maxConcurrentUploads: count('max-concurrent-uploads', values['max-concurrent-uploads'], DEFAULT_UPLOADS),
    logLevel,
    runtime: runtime as RuntimeChoice,
    group: values.group,
  };
}
