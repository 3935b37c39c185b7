// RUN's networks, probed for real: two TCP servers of the test — one on this machine's first
// non-loopback IPv4 address, one on 127.0.0.1 — and a Dockerfile whose RUN steps try both with
// busybox nc (and the host's loopback through slirp4netns' gateway 10.0.2.2), writing what they
// got into the image. The default network must reach the outside address only; none neither;
// the host network (an entitlement: `docker build --network=host`) both.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface NetProbeServers {
  ip: string;
  extPort: number;
  loPort: number;
  close(): Promise<void>;
}

function hostAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error('this machine has no non-loopback IPv4 address to probe the RUN network with');
}

function listen(host: string, reply: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer((c) => c.end(`${reply}\n`));
    s.once('error', reject);
    s.listen(0, host, () => resolve(s));
  });
}

export async function startNetProbeServers(): Promise<NetProbeServers> {
  const ip = hostAddress();
  const ext = await listen(ip, 'ext-ok');
  const lo = await listen('127.0.0.1', 'lo-ok');
  return {
    ip,
    extPort: (ext.address() as net.AddressInfo).port,
    loPort: (lo.address() as net.AddressInfo).port,
    close: async () => {
      await Promise.all([ext, lo].map((s) => new Promise((r) => s.close(r))));
    },
  };
}

/** The shell that tries each server and writes the answers (or `unreachable`) to /probe/<prefix>-*. */
function probe(s: NetProbeServers, prefix: string): string {
  const t = (host: string, port: number, name: string) => `(nc -w 3 ${host} ${port} </dev/null || echo unreachable) > /probe/${prefix}-${name}`;
  return `mkdir -p /probe && ${t(s.ip, s.extPort, 'ext')}; ${t('127.0.0.1', s.loPort, 'lo')}; ${t('10.0.2.2', s.loPort, 'gw')}; cat /etc/resolv.conf > /probe/${prefix}-resolv`;
}

/** A context whose RUN steps probe the default network (`default-*`) and `--network=none` (`none-*`). */
export function netProbeContext(dir: string, base: string, s: NetProbeServers): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${base}\nRUN ${probe(s, 'default')}\nRUN --network=none ${probe(s, 'none')}\n`);
  return dir;
}

/** A context for a build with `--network=host`: its default RUN network is the host's, and RUN --network=host too. */
export function netProbeHostContext(dir: string, base: string, s: NetProbeServers): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${base}\nRUN --network=host ${probe(s, 'host')}\n`);
  return dir;
}

const read = (flat: string, name: string) => fs.readFileSync(path.join(flat, 'probe', name), 'utf8').trim();

/** Asserts what the default and none steps reached, from the flattened image. */
export function assertIsolatedProbes(flat: string): void {
  assert.equal(read(flat, 'default-ext'), 'ext-ok', 'the default network reaches the host\'s non-loopback address (outbound works)');
  assert.equal(read(flat, 'default-lo'), 'unreachable', 'the default network has its own loopback, not the host\'s');
  assert.equal(read(flat, 'default-gw'), 'unreachable', 'slirp4netns\' gateway does not lead to the host\'s loopback');
  assert.doesNotMatch(read(flat, 'default-resolv'), /nameserver\s+(127\.|::1)/, 'no loopback nameserver in the isolated network');
  assert.match(read(flat, 'default-resolv'), /nameserver\s+\S+/);
  for (const n of ['ext', 'lo', 'gw']) assert.equal(read(flat, `none-${n}`), 'unreachable', `--network=none reaches nothing (${n})`);
}

export function assertHostProbes(flat: string): void {
  assert.equal(read(flat, 'host-ext'), 'ext-ok');
  assert.equal(read(flat, 'host-lo'), 'lo-ok', '--network=host (entitled) reaches the host\'s loopback');
}
