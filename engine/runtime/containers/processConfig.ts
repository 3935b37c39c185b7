// Turns a Docker container config + host config + image config into the executor's ProcessSpec,
// the mount points and the /etc/hosts, /etc/hostname, /etc/resolv.conf files of the container.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ContainerConfig as ImageContainerConfig } from '../../image';
import { resolveInRoot, resolveUser } from '../../image/layer';
import { invalid } from '../errors';
import type { MountSpec, ProcessSpec, ResourceLimits } from '../executor';
import type { VolumeStore } from '../volumes';
import { findInitBinary, INIT_CANDIDATES, INIT_TARGET } from './initBinary';
import type { DockerContainerConfig, DockerHostConfig, MountPoint } from './types';

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Entrypoint + Cmd with Docker's override rules: a given Entrypoint drops the image's Cmd. */
export function commandOf(config: DockerContainerConfig, image: ImageContainerConfig): string[] {
  const clear = (a: string[] | null | undefined) => (a && !(a.length === 1 && a[0] === '') ? a : []);
  const entrypointGiven = config.Entrypoint !== undefined && config.Entrypoint !== null;
  const entrypoint = entrypointGiven ? clear(config.Entrypoint) : clear(image.Entrypoint);
  const cmd = config.Cmd && config.Cmd.length ? config.Cmd : entrypointGiven ? [] : clear(image.Cmd);
  const args = [...entrypoint, ...cmd];
  if (args.length === 0) throw invalid('No command specified');
  return args;
}

/** Image env overridden by the container's (by key), with PATH defaulted: the container's Config.Env. */
export function configEnv(imageEnv: string[] = [], env: string[] = []): string[] {
  const m = new Map<string, string>();
  for (const e of [...imageEnv, ...env]) {
    const i = e.indexOf('=');
    if (i > 0) m.set(e.slice(0, i), e);
    else if (i < 0 && process.env[e] !== undefined) m.set(e, `${e}=${process.env[e]}`);
  }
  if (!m.has('PATH')) m.set('PATH', DEFAULT_PATH);
  return [...m.values()];
}

/** The process env: Config.Env plus HOSTNAME and HOME when not set, like Docker. */
export function mergeEnv(imageEnv: string[] = [], env: string[] = [], hostname: string, home: string): string[] {
  const out = configEnv(imageEnv, env);
  const has = (k: string) => out.some((e) => e.startsWith(`${k}=`));
  return [...(has('HOSTNAME') ? [] : [`HOSTNAME=${hostname}`]), ...out, ...(has('HOME') ? [] : [`HOME=${home}`])];
}

/** `host` or `none`; Docker's `default`/`bridge` become host networking (we have no bridge). */
export function networkOf(hc: DockerHostConfig): { network: 'host' | 'none'; warnings: string[] } {
  const mode = hc.NetworkMode ?? '';
  const network = mode === 'none' ? 'none' : ['', 'default', 'bridge', 'host'].includes(mode) ? 'host' : undefined;
  if (!network) throw invalid(`network ${mode} not found: this engine supports --network host and --network none`);
  const warnings: string[] = [];
  const bindings = Object.entries(hc.PortBindings ?? {}).filter(([, v]) => v && v.length);
  for (const [port, list] of bindings) {
    const containerPort = port.split('/')[0];
    for (const b of list ?? []) {
      if (network === 'none') throw invalid(`cannot publish port ${port}: the container has no network (--network none)`);
      if (b.HostPort && b.HostPort !== containerPort) {
        throw invalid(`cannot publish ${b.HostPort}:${port}: this engine runs containers on the host network, where the container's port ${containerPort} IS host port ${containerPort}; remapping ports is not supported`);
      }
    }
  }
  if (bindings.length) warnings.push('Published ports are discarded: containers use the host network, so the container\'s ports are the host\'s ports.');
  return { network, warnings };
}

function parseTmpfsOptions(opts: string): string[] {
  return opts.split(',').map((o) => o.trim()).filter(Boolean);
}

let swapAccountingKnown: boolean | undefined;
/** Whether the kernel accounts swap per cgroup (v1 memory.memsw.*, or cgroup v2): else a swap limit cannot be set. */
function swapAccounting(): boolean {
  swapAccountingKnown ??= fs.existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes') || fs.existsSync('/sys/fs/cgroup/cgroup.controllers');
  return swapAccountingKnown;
}

/** The cgroup limits of a HostConfig (create, and docker update); memory + swap twice the memory unless given, as dockerd. */
export function resourcesOf(hc: DockerHostConfig): ResourceLimits {
  const resources: ResourceLimits = {};
  if (hc.Memory) {
    resources.memory = hc.Memory;
    if (swapAccounting()) resources.memorySwap = hc.MemorySwap || hc.Memory * 2;
  }
  if (hc.NanoCpus) {
    resources.cpuPeriod = 100000;
    resources.cpuQuota = Math.round((hc.NanoCpus / 1e9) * 100000);
  } else if (hc.CpuQuota) {
    resources.cpuQuota = hc.CpuQuota;
    resources.cpuPeriod = hc.CpuPeriod || 100000;
  }
  if (hc.CpuShares) resources.cpuShares = hc.CpuShares;
  if (hc.PidsLimit && hc.PidsLimit > 0) resources.pidsLimit = hc.PidsLimit;
  return resources;
}

export interface BuiltProcess {
  process: ProcessSpec;
  /** the container's command (Path and Args), without the init that may run it */
  command: string[];
  mounts: MountPoint[];
  warnings: string[];
  /** named volumes to populate from the image at their target on first use */
  volumeTargets: { name: string; target: string }[];
  /** Config.Hostname: the container's hostname, the host's with the host network (as dockerd) */
  hostname: string;
}

export interface BuildProcessOptions {
  id: string;
  config: DockerContainerConfig;
  hostConfig: DockerHostConfig;
  image: ImageContainerConfig;
  rootfs: string;
  containerDir: string;
  volumes: VolumeStore;
  rootless: boolean;
}

function checkTarget(target: string): string {
  if (!path.posix.isAbsolute(target)) throw invalid(`invalid mount config: mount path must be absolute: ${target}`);
  const clean = path.posix.normalize(target);
  if (clean === '/') throw invalid('invalid mount config: destination can\'t be \'/\'');
  return clean;
}

export async function buildProcess(o: BuildProcessOptions): Promise<BuiltProcess> {
  const { config, hostConfig: hc, image } = o;
  const { network, warnings } = networkOf(hc);
  const hostname = network === 'host' ? os.hostname() : (config.Hostname || o.id.slice(0, 12));
  let user;
  try {
    user = await resolveUser(o.rootfs, config.User || image.User);
  } catch (e) {
    throw invalid((e as Error).message);
  }
  const cwd = config.WorkingDir || image.WorkingDir || '/';
  if (!path.posix.isAbsolute(cwd)) throw invalid(`the working directory '${cwd}' is invalid, it needs to be an absolute path`);
  if (/^\/proc(\/|$)/.test(path.posix.normalize(cwd))) throw invalid(`the working directory '${cwd}' may not be under /proc`);
  // the resolved working dir must stay inside the rootfs (it may not exist yet: the runtime creates it)
  await resolveInRoot(o.rootfs, cwd);

  const mounts: MountSpec[] = [];
  const points: MountPoint[] = [];
  const volumeTargets: { name: string; target: string }[] = [];
  const taken = new Set<string>();
  const add = (m: MountSpec, p: MountPoint) => {
    if (taken.has(m.target)) throw invalid(`Duplicate mount point: ${m.target}`);
    taken.add(m.target);
    mounts.push(m);
    points.push(p);
  };
  const addVolume = (name: string | undefined, target: string, readonly: boolean) => {
    const v = o.volumes.create(name);
    add({ type: 'bind', source: v.Mountpoint, target, readonly }, { Type: 'volume', Name: v.Name, Source: v.Mountpoint, Destination: target, Mode: readonly ? 'ro' : 'z', RW: !readonly, Propagation: '' });
    volumeTargets.push({ name: v.Name, target });
  };
  const addBind = (source: string, target: string, readonly: boolean) => {
    if (!fs.existsSync(source)) throw invalid(`invalid mount config for type "bind": bind source path does not exist: ${source}`);
    add({ type: 'bind', source, target, readonly }, { Type: 'bind', Source: source, Destination: target, Mode: readonly ? 'ro' : '', RW: !readonly, Propagation: 'rprivate' });
  };
  for (const b of hc.Binds ?? []) {
    const parts = b.split(':');
    if (parts.length < 2 || parts.length > 3) throw invalid(`invalid volume specification: '${b}'`);
    const [src, dst, mode = ''] = parts;
    const readonly = mode.split(',').includes('ro');
    if (src.startsWith('/')) addBind(src, checkTarget(dst), readonly);
    else addVolume(src, checkTarget(dst), readonly);
  }
  for (const m of hc.Mounts ?? []) {
    const target = checkTarget(m.Target);
    if (m.Type === 'bind') addBind(m.Source ?? '', target, !!m.ReadOnly);
    else if (m.Type === 'volume') addVolume(m.Source || undefined, target, !!m.ReadOnly);
    else if (m.Type === 'tmpfs') {
      const opts = [`mode=${(m.TmpfsOptions?.Mode ?? 0o1777).toString(8)}`, ...(m.TmpfsOptions?.SizeBytes ? [`size=${m.TmpfsOptions.SizeBytes}`] : [])];
      add({ type: 'tmpfs', target, options: opts, readonly: !!m.ReadOnly }, { Type: 'tmpfs', Source: '', Destination: target, Mode: '', RW: !m.ReadOnly, Propagation: '' });
    } else throw invalid(`mount type ${String((m as { Type: string }).Type)} is not supported`);
  }
  for (const [target, opts] of Object.entries(hc.Tmpfs ?? {})) {
    const t = checkTarget(target);
    const options = parseTmpfsOptions(opts);
    add({ type: 'tmpfs', target: t, options: options.some((x) => x.startsWith('mode=')) ? options : ['mode=1777', ...options] },
      { Type: 'tmpfs', Source: '', Destination: t, Mode: '', RW: true, Propagation: '' });
  }
  // the image's VOLUMEs (and config.Volumes) not otherwise mounted get anonymous volumes
  for (const target of Object.keys({ ...(image.Volumes ?? {}), ...(config.Volumes ?? {}) })) {
    const t = checkTarget(target);
    if (!taken.has(t)) addVolume(undefined, t, false);
  }

  // /etc/hostname, /etc/hosts, /etc/resolv.conf: files of the container dir, bind-mounted
  const hostsLines = network === 'host'
    ? [fs.readFileSync('/etc/hosts', 'utf8').trimEnd()]
    : ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', `127.0.0.1\t${hostname}`];
  for (const h of hc.ExtraHosts ?? []) {
    const m = /^([^:=]+)[:=](.+)$/.exec(h);
    if (!m) throw invalid(`invalid extra host: ${h}`);
    hostsLines.push(`${m[2] === 'host-gateway' ? '127.0.0.1' : m[2]}\t${m[1]}`);
  }
  const etc = { hostname: `${hostname}\n`, hosts: `${hostsLines.join('\n')}\n`, 'resolv.conf': readResolvConf(hc) };
  for (const [name, content] of Object.entries(etc)) {
    const file = path.join(o.containerDir, name);
    fs.writeFileSync(file, content, { mode: 0o644 });
    const target = `/etc/${name}`;
    if (!taken.has(target)) mounts.unshift({ type: 'bind', source: file, target, readonly: !!hc.ReadonlyRootfs });
  }

  const resources = resourcesOf(hc);
  if (o.rootless && Object.keys(resources).length) {
    warnings.push('Resource limits are ignored: the rootless runtime has no cgroups on this host.');
  }
  const command = commandOf(config, image);
  let args = command;
  if (hc.Init) {
    const init = findInitBinary();
    if (!init) throw invalid(`--init: no statically linked init binary on this host (looked for ${INIT_CANDIDATES.join(', ')}): install tini (its tini-static) or docker.io`);
    if (taken.has(INIT_TARGET)) throw invalid(`Duplicate mount point: ${INIT_TARGET} (used by --init)`);
    mounts.push({ type: 'bind', source: init, target: INIT_TARGET, readonly: true });
    args = [INIT_TARGET, '--', ...command];
  }

  const process: ProcessSpec = {
    rootfs: o.rootfs,
    args,
    env: mergeEnv(image.Env, config.Env ?? [], hostname, user.home),
    cwd,
    user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
    mounts,
    network,
    hostname: network === 'host' ? undefined : hostname,
    readonlyRootfs: !!hc.ReadonlyRootfs,
    capAdd: hc.Privileged ? ['ALL'] : hc.CapAdd ?? [],
    capDrop: hc.CapDrop ?? [],
    ...securityOptions(hc),
    tty: !!config.Tty,
    // the first size comes with the spec: crun does not relay size changes of its own terminal to the container's console
    ...(config.Tty && hc.ConsoleSize?.[0] && hc.ConsoleSize[1] ? { consoleSize: { height: hc.ConsoleSize[0], width: hc.ConsoleSize[1] } } : {}),
    resources: o.rootless ? undefined : resources,
  };
  return { process, command, mounts: points, warnings, volumeTargets, hostname };
}

/**
 * `--privileged` and `--security-opt`: `seccomp=unconfined` (and --privileged) turn the default
 * seccomp filter off, `no-new-privileges[=true]` sets no_new_privs; a custom seccomp profile is
 * refused (not supported); `apparmor=` and `label=` are accepted and have nothing to act on.
 */
export function securityOptions(hc: DockerHostConfig): Pick<ProcessSpec, 'seccomp' | 'noNewPrivileges'> {
  let seccomp: ProcessSpec['seccomp'] = hc.Privileged ? 'unconfined' : 'default';
  let noNewPrivileges = false;
  for (const opt of hc.SecurityOpt ?? []) {
    const [key, value] = opt.includes('=') ? [opt.slice(0, opt.indexOf('=')), opt.slice(opt.indexOf('=') + 1)] : opt.split(':', 2);
    if (key === 'no-new-privileges' && (value === undefined || value === 'true' || value === 'false')) noNewPrivileges = value !== 'false';
    else if (key === 'seccomp' && value === 'unconfined') seccomp = 'unconfined';
    else if (key === 'seccomp' && value !== undefined) throw invalid('custom seccomp profiles are not supported: use the default filter or --security-opt seccomp=unconfined');
    // no AppArmor or SELinux here: their options have nothing to act on (as with dockerd on such a host)
    else if ((key === 'apparmor' || key === 'label') && value !== undefined) continue;
    else throw invalid(`invalid --security-opt: ${JSON.stringify(opt)} (supported: seccomp=unconfined, no-new-privileges, apparmor=…, label=…)`);
  }
  return { seccomp, noNewPrivileges };
}

function readResolvConf(hc: DockerHostConfig): string {
  if (hc.Dns?.length) return hc.Dns.map((d) => `nameserver ${d}`).join('\n') + '\n';
  try {
    return fs.readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
}
