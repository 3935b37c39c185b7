// The isolated network of a one-shot process (the builder's RUN with the default network): a
// network namespace of its own whose only way out is slirp4netns, user-mode NAT like rootlesskit's
// and rootless podman's. The process gets `lo` and `tap0` (10.0.2.100/24, gateway 10.0.2.2,
// DNS forwarder 10.0.2.3); it reaches what the host reaches (the internet, the host's own
// non-loopback addresses, like a docker bridge does) but never the host's loopback: slirp4netns
// runs with --disable-host-loopback, so 10.0.2.2 does not lead to 127.0.0.1 of the host, and the
// namespace's own 127.0.0.1 is its own.
//
// Why slirp4netns and not pasta: Debian 12 ships slirp4netns 1.2.0, which has everything this needs
// (--configure brings the interface, address, route and lo up itself; --ready-fd tells when;
// --exit-fd ends it with us; --disable-host-loopback; --enable-sandbox/--enable-seccomp), it is
// what BuildKit's rootless mode (through rootlesskit) and podman have used for years, and it works
// the same as root and as an ordinary user. Debian 12's pasta is a 2023 snapshot whose host-loopback
// switch (--no-map-gw) and readiness handling changed since; its speed advantage matters for bulk
// transfers, not for a RUN step's start.
//
// How: a holder process (host binaries: util-linux unshare, /bin/sh) makes the network
// namespace — in a user namespace of its own when the daemon is not root, with the containers'
// subordinate-id mapping when there is one, so the runtime can join both — and says so on its
// stdout; slirp4netns attaches to it by pid (joining the user namespace too) and configures it
// while the caller writes its bundle; the runtime then joins the namespace by path (as root) or is
// started inside the holder's namespaces (rootless), and the step's process only starts once
// slirp4netns reported ready. Cost (measured here, 2 loaded cores): 8 ms at best, ~15 ms median
// from starting the holder to ready (--enable-sandbox/--enable-seccomp add well under 1 ms of it),
// overlapping the bundle's writing; the holder, slirp4netns and the namespace go when the process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { inUserNamespace, type IdMapping } from './idMapping';

export const SLIRP4NETNS = '/usr/bin/slirp4netns';
const UNSHARE = '/usr/bin/unshare';
const SH = '/bin/sh';
export const NSENTER = '/usr/bin/nsenter';

/** The address of slirp4netns' DNS forwarder (to the host's resolvers) inside the namespace. */
export const SLIRP_DNS = '10.0.2.3';

export interface PrivateNetwork {
  /** pid of the holder: its /proc/<pid>/ns/net is the namespace (and ns/user its user namespace when rootless) */
  readonly pid: number;
  readonly netnsPath: string;
  readonly usernsPath: string;
  /** resolves when slirp4netns has configured the namespace; rejects with why it could not */
  readonly ready: Promise<void>;
  /** ends slirp4netns and the holder (idempotent) */
  close(): void;
}

export interface PrivateNetworkOptions {
  /** rootless: `single` = a user namespace with the daemon user as root (bubblewrap), a mapping = the containers' subordinate ids */
  userns?: 'single' | IdMapping;
}

let available: boolean | undefined;

/** slirp4netns and util-linux unshare are installed. */
export function privateNetworkAvailable(): boolean {
  available ??= fs.existsSync(SLIRP4NETNS) && fs.existsSync(UNSHARE);
  return available;
}

function holderArgv(opts: PrivateNetworkOptions): string[] {
  // `echo` runs after unshare made the namespaces (and newuidmap wrote the maps): the namespace is
  // there to attach to. `read` then waits on a pipe only we hold (EOF when we close it or die).
  const holder = [SH, '-c', 'echo; read -r _'];
  if (!opts.userns) return [UNSHARE, '--net', '--', ...holder];
  if (opts.userns === 'single') return [UNSHARE, '--user', '--map-root-user', '--net', '--', ...holder];
  return inUserNamespace(opts.userns, holder, ['--net']);
}

function firstData(child: ChildProcess, fd: number, what: string, stderr: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = child.stdio[fd] as NodeJS.ReadableStream | null;
    const onExit = (code: number | null, signal: string | null) =>
      reject(new Error(`${what} exited (${code ?? signal}) before it was ready${stderr() ? `: ${stderr().trim().split('\n').pop()}` : ''}`));
    child.once('exit', onExit);
    child.once('error', (e) => reject(new Error(`${what}: ${e.message}`)));
    stream?.once('data', () => {
      child.removeListener('exit', onExit);
      resolve();
    });
  });
}

/** Starts the namespace and slirp4netns; `ready` tells when the process may start in it. */
export function startPrivateNetwork(opts: PrivateNetworkOptions = {}): PrivateNetwork {
  if (!privateNetworkAvailable()) {
    throw new Error(`the default RUN network needs slirp4netns (${SLIRP4NETNS}, Debian package slirp4netns) and util-linux unshare; install it or build with --network=none`);
  }
  const argv = holderArgv(opts);
  const holder = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  let holderErr = '';
  holder.stderr!.on('data', (c: Buffer) => { holderErr += c.toString(); });
  let slirp: ChildProcess | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    // closing the exit fd ends slirp4netns; the holder's read ends with its stdin
    slirp?.kill('SIGKILL');
    holder.stdin?.destroy();
    holder.kill('SIGKILL');
  };
  const pid = holder.pid;
  if (pid === undefined) {
    close();
    throw new Error(`cannot start ${argv[0]} for the RUN network`);
  }
  const ready = firstData(holder, 1, 'the network namespace holder (unshare)', () => holderErr).then(() => {
    if (closed) throw new Error('the RUN network was closed');
    let slirpErr = '';
    slirp = spawn(SLIRP4NETNS, [
      '--configure', '--mtu=65520', '--disable-host-loopback', '--enable-sandbox', '--enable-seccomp',
      '--ready-fd=3', '--exit-fd=4', String(pid), 'tap0',
    ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    slirp.stderr!.on('data', (c: Buffer) => { slirpErr += c.toString(); });
    return firstData(slirp, 3, 'slirp4netns', () => slirpErr);
  });
  ready.catch(() => close());
  holder.once('exit', () => { if (!closed) slirp?.kill('SIGKILL'); });
  return { pid, netnsPath: `/proc/${pid}/ns/net`, usernsPath: `/proc/${pid}/ns/user`, ready, close };
}

/** `argv` run inside the holder's user and network namespaces (rootless: the runtime joins them instead of making its own). */
export function inPrivateNetwork(net: PrivateNetwork, argv: string[]): string[] {
  return [NSENTER, `--user=${net.usernsPath}`, `--net=${net.netnsPath}`, '--preserve-credentials', '--', ...argv];
}
