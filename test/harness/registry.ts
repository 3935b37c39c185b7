// Starts Debian's docker-registry (distribution v2) on a free loopback port with a temp storage dir,
// optionally with htpasswd basic auth. Tests use it as the real OCI registry.
import * as fs from 'node:fs';
import * as path from 'node:path';
import bcrypt from 'bcryptjs';
import { freePort, removeDir, requireBinary, spawnService, stopService, tail, tempDir, waitFor } from './services';

export interface TestRegistry {
  /** `127.0.0.1:PORT`, usable as the registry part of an image reference. */
  host: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  auth?: { username: string; password: string };
  stop(): Promise<void>;
}

export async function startRegistry(opts: { auth?: { username: string; password: string } } = {}): Promise<TestRegistry> {
  const bin = requireBinary('docker-registry');
  const dir = tempDir('registry');
  const port = await freePort();
  const authBlock = opts.auth
    ? `auth:\n  htpasswd:\n    realm: dockwright-test\n    path: ${path.join(dir, 'htpasswd')}\n`
    : '';
  if (opts.auth) {
    fs.writeFileSync(path.join(dir, 'htpasswd'), `${opts.auth.username}:${bcrypt.hashSync(opts.auth.password, 10)}\n`);
  }
  fs.writeFileSync(path.join(dir, 'config.yml'), [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${path.join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    authBlock,
  ].join('\n'));
  const log = path.join(dir, 'registry.log');
  const child = spawnService(bin, ['serve', path.join(dir, 'config.yml')], log);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`docker-registry on ${url}`, async () => {
      if (child.exitCode !== null) throw new Error(`docker-registry exited: ${tail(log)}`);
      const res = await fetch(`${url}/v2/`);
      return res.status === 200 || res.status === 401;
    });
  } catch (e) {
    await stopService(child);
    throw e;
  }
  return {
    host: `127.0.0.1:${port}`,
    url,
    auth: opts.auth,
    async stop() {
      await stopService(child);
      removeDir(dir);
    },
  };
}
