// A test host of our own: a network namespace joined to this machine by a veth pair, so tests can
// reach a server at a non-loopback address without sending traffic anywhere but this machine's
// own namespaces (needs root and iproute2).
import { execFileSync } from 'node:child_process';
import { requireBinary } from './services';

export interface TestHost {
  /** The namespace's address (reachable from the host). */
  ip: string;
  /** Prefix that runs a command inside the namespace: `[...host.exec, cmd, ...args]`. */
  exec: string[];
  destroy(): void;
}

let counter = 0;

export function createTestHost(): TestHost {
  const ipBin = requireBinary('ip', 'iproute2');
  const n = (process.pid % 200) + 20;
  const k = counter++ % 50;
  const name = `dwt${process.pid}x${k}`;
  const hostIf = `dwh${process.pid % 100000}${k}`.slice(0, 15);
  const nsIf = `dwn${process.pid % 100000}${k}`.slice(0, 15);
  const prefix = `10.213.${n}.${k * 4}`.split('.').map(Number);
  const hostIp = `10.213.${n}.${prefix[3] + 1}`;
  const ip = `10.213.${n}.${prefix[3] + 2}`;
  const run = (...args: string[]) => execFileSync(ipBin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  run('netns', 'add', name);
  try {
    run('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    run('link', 'set', nsIf, 'netns', name);
    run('addr', 'add', `${hostIp}/30`, 'dev', hostIf);
    run('link', 'set', hostIf, 'up');
    run('-n', name, 'addr', 'add', `${ip}/30`, 'dev', nsIf);
    run('-n', name, 'link', 'set', nsIf, 'up');
    run('-n', name, 'link', 'set', 'lo', 'up');
  } catch (e) {
    try { run('link', 'del', hostIf); } catch { /* not created */ }
    run('netns', 'del', name);
    throw new Error(`cannot create a test host namespace (root and iproute2 needed): ${(e as Error).message}`);
  }
  return {
    ip,
    exec: [ipBin, 'netns', 'exec', name],
    destroy() {
      try { run('link', 'del', hostIf); } catch { /* gone with the namespace */ }
      try { run('netns', 'del', name); } catch { /* already gone */ }
    },
  };
}
