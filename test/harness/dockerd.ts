// Starts Debian's docker.io daemon as the reference engine for differential tests: its own data root,
// exec root, pidfile and unix socket, no iptables, no bridge. Several may run side by side.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { removeDir, requireBinary, spawnService, stopService, tail, tempDir, waitFor } from './services';

const run = promisify(execFile);

export interface TestDockerd {
  /** `unix:///…/docker.sock` — pass as `-H` or DOCKER_HOST. */
  host: string;
  socketPath: string;
  dataRoot: string;
  /** Runs the docker CLI against this daemon; rejects with stderr on failure. */
  docker(args: string[], opts?: { input?: Buffer | string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<{ stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

export async function startDockerd(opts: { extraArgs?: string[] } = {}): Promise<TestDockerd> {
  const dockerd = requireBinary('dockerd', 'docker.io');
  const dockerCli = requireBinary('docker', 'docker.io');
  const dir = tempDir('dockerd');
  const socketPath = path.join(dir, 'docker.sock');
  const host = `unix://${socketPath}`;
  const log = path.join(dir, 'dockerd.log');
  const child = spawnService(dockerd, [
    '--data-root', path.join(dir, 'data'),
    '--exec-root', path.join(dir, 'exec'),
    '--pidfile', path.join(dir, 'dockerd.pid'),
    '-H', host,
    '--iptables=false', '--ip6tables=false', '--bridge=none', '--ip-masq=false',
    '--log-level=warn',
    ...(opts.extraArgs ?? []),
  ], log);

  const docker: TestDockerd['docker'] = async (args, o = {}) => {
    const env = { ...process.env, DOCKER_HOST: host, DOCKER_CONFIG: path.join(dir, 'cli-config'), ...o.env };
    if (o.input !== undefined) {
      return new Promise((resolve, reject) => {
        const p = execFile(dockerCli, args, { env, encoding: 'utf8', maxBuffer: 256 << 20, timeout: o.timeoutMs ?? 120000 }, (err, stdout, stderr) => {
          if (err) reject(new Error(`docker ${args.join(' ')} failed: ${stderr || err.message}`));
          else resolve({ stdout, stderr });
        });
        p.stdin!.end(o.input);
      });
    }
    try {
      return await run(dockerCli, args, { env, encoding: 'utf8', maxBuffer: 256 << 20, timeout: o.timeoutMs ?? 120000 });
    } catch (e: any) {
      throw new Error(`docker ${args.join(' ')} failed: ${e.stderr || e.message}`);
    }
  };

  try {
    await waitFor('dockerd to answer', async () => {
      if (child.exitCode !== null) throw new Error(`dockerd exited: ${tail(log)}`);
      await docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 5000 });
      return true;
    }, 60000, 200);
  } catch (e) {
    await stopService(child, 10000);
    throw new Error(`${(e as Error).message}\n--- dockerd log ---\n${tail(log)}`);
  }
  return {
    host, socketPath, dataRoot: path.join(dir, 'data'), docker,
    async stop() {
      await stopService(child, 15000);
      removeDir(dir);
    },
  };
}
