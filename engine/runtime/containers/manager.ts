// Container lifecycle: create, start, stop, kill, restart, pause, wait, rename, remove, prune,
// re-adoption after a daemon restart, restart policies and auto-remove. State lives on disk
// (store.ts); each running container has its own monitor process (../monitor).
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { constants } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ImageStore } from '../../image';
import { resolveInRoot } from '../../image/layer';
import { conflict, invalid, noSuchContainer, notSupported, RuntimeError } from '../errors';
import type { Executor } from '../executor';
import { commandEnv } from '../executor';
import type { ExitStatus } from '../monitor/protocol';
import type { Snapshotter } from '../snapshot';
import { SPARE_PREFIX, SpareSnapshot } from '../snapshot/spare';
import type { VolumeStore } from '../volumes';
import { defaultMonitorCommand, MonitorLauncher, monitorPid, readExit, waitForExit } from './monitorClient';
import { ImageLayers } from './imageLayers';
import { generateName, VALID_NAME } from './names';
import { buildProcess, configEnv, resourcesOf } from './processConfig';
import { ContainerStore } from './store';
import type { ContainerRecord, ContainerState, DockerContainerConfig, DockerHostConfig } from './types';

export type ContainerEvent = (action: string, rec: ContainerRecord, extra?: Record<string, string>) => void;

export interface ContainerManagerOptions {
  dataRoot: string;
  images: ImageStore;
  executor: Executor;
  snapshots: Snapshotter;
  volumes: VolumeStore;
  onEvent?: ContainerEvent;
  /** how to run the monitor (default: dist/monitor.js next to the engine bundle) */
  monitorCommand?: string[];
  warn?: (msg: string) => void;
  /** debug log: the time each step of create/start/exit/remove took */
  debug?: (msg: string) => void;
}

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

/** Signal names and numbers as Docker accepts them (`SIGTERM`, `TERM`, `15`). */
export function signalNumber(sig: string | undefined, fallback: number): number {
  if (!sig) return fallback;
  if (/^\d+$/.test(sig)) return Number(sig);
  const name = sig.toUpperCase().startsWith('SIG') ? sig.toUpperCase() : `SIG${sig.toUpperCase()}`;
  const n = (constants.signals as Record<string, number>)[name];
  if (!n) throw invalid(`Invalid signal: ${sig}`);
  return n;
}

const emptyState = (): ContainerState => ({
  Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 0, ExitCode: 0,
  Error: '', StartedAt: '0001-01-01T00:00:00Z', FinishedAt: '0001-01-01T00:00:00Z',
});

export class ContainerManager {
  readonly store: ContainerStore;
  private readonly records = new Map<string, ContainerRecord>();
  /** waiters resolved on the next exit / on removal */
  private readonly exitWaiters = new Map<string, Set<(code: number) => void>>();
  private readonly removeWaiters = new Map<string, Set<() => void>>();
  private readonly monitors: MonitorLauncher;
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly imageLayers: ImageLayers;
  private readonly spares: SpareSnapshot;

  constructor(private readonly o: ContainerManagerOptions) {
    this.store = new ContainerStore(path.join(o.dataRoot, 'containers'));
    this.imageLayers = new ImageLayers(o.images);
    this.spares = new SpareSnapshot(o.snapshots, 50, o.warn);
    const logDir = path.join(o.dataRoot, 'runtime');
    fs.mkdirSync(logDir, { recursive: true, mode: 0o700 });
    this.monitors = new MonitorLauncher(o.monitorCommand ?? defaultMonitorCommand(), path.join(logDir, 'monitors.log'), this.store.root);
  }

  get executor(): Executor {
    return this.o.executor;
  }

  get rootless(): boolean {
    return this.o.executor.name.startsWith('rootless');
  }

  dir(id: string): string {
    return this.store.dir(id);
  }

  logPath(id: string): string {
    return path.join(this.dir(id), `${id}-json.log`);
  }

  /** Loads every record and re-adopts containers whose monitor survived a daemon restart. */
  async init(): Promise<void> {
    for (const rec of this.store.loadAll()) {
      this.records.set(rec.Id, rec);
      if (!rec.State.Running) continue;
      const dir = this.dir(rec.Id);
      if (monitorPid(dir)) {
        this.watchExit(rec.Id);
      } else {
        const exit = readExit(dir) ?? { exitCode: 137, finishedAt: new Date().toISOString(), error: 'container monitor was lost' };
        await this.onExit(rec.Id, exit);
      }
    }
    // container snapshots (64-hex keys; the builder's are prefixed) whose record is gone, and spares
    for (const key of this.o.snapshots.list()) {
      if ((key.startsWith(SPARE_PREFIX) || /^[a-f0-9]{64}$/.test(key)) && !this.records.has(key)) await this.o.snapshots.remove(key).catch((e) => this.o.warn?.(`snapshot ${key}: ${(e as Error).message}`));
    }
    this.monitors.prestart();
  }

  // ---------- lookup ----------

  list(): ContainerRecord[] {
    return [...this.records.values()].sort((a, b) => b.Created.localeCompare(a.Created));
  }

  /** By full id, unique id prefix or name (with or without the slash). */
  get(ref: string): ContainerRecord {
    const r = this.find(ref);
    if (!r) throw noSuchContainer(ref);
    return r;
  }

  find(ref: string): ContainerRecord | undefined {
    if (!ref) return undefined;
    const byId = this.records.get(ref);
    if (byId) return byId;
    const name = ref.startsWith('/') ? ref : `/${ref}`;
    for (const r of this.records.values()) if (r.Name === name) return r;
    if (/^[a-f0-9]+$/.test(ref)) {
      const matches = [...this.records.values()].filter((r) => r.Id.startsWith(ref));
      if (matches.length === 1) return matches[0];
      if (matches.length > 1) throw invalid(`multiple IDs found with provided prefix: ${ref}`);
    }
    return undefined;
  }

  /** Serialises lifecycle operations per container. */
  private async locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const settled = next.catch(() => undefined);
    this.locks.set(id, settled);
    try {
      return await next;
    } finally {
      if (this.locks.get(id) === settled) this.locks.delete(id);
    }
  }

  /**
   * `durable: false` for the start/exit state on the run path: it is rebuilt from the monitor's own
   * files when a daemon re-adopts, so it needs no fsync (the rename stays atomic).
   */
  private save(rec: ContainerRecord, durable = true): void {
    this.store.save(rec, durable);
  }

  /** Returns `mark(step)`, which logs (debug) the ms since the previous mark of this operation. */
  private timer(op: string, id: string): (step: string) => void {
    let t = performance.now();
    return (step) => {
      const now = performance.now();
      this.o.debug?.(`${op} ${id.slice(0, 12)}: ${step} ${(now - t).toFixed(1)} ms`);
      t = now;
    };
  }

  private event(action: string, rec: ContainerRecord, extra: Record<string, string> = {}): void {
    this.o.onEvent?.(action, rec, extra);
  }

  // ---------- create ----------

  async create(name: string | undefined, config: DockerContainerConfig, hostConfig: DockerHostConfig = {}): Promise<{ Id: string; Warnings: string[] }> {
    if (!config.Image) throw invalid('No image specified (config.Image)');
    if (name) {
      if (!VALID_NAME.test(name)) throw invalid(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
      const other = this.find(name.startsWith('/') ? name : `/${name}`);
      if (other && other.Name === (name.startsWith('/') ? name : `/${name}`)) {
        throw conflict(`Conflict. The container name "${other.Name}" is already in use by container "${other.Id}". You have to remove (or rename) that container to be able to reuse that name.`);
      }
    }
    const id = randomBytes(32).toString('hex');
    const mark = this.timer('create', id);
    const imageRec = await this.o.images.resolve(config.Image);
    const { config: imageConfig, layers } = await this.imageLayers.of(imageRec);
    mark('image');
    const dir = this.dir(id);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      const rootfs = await this.spares.prepare(id, layers);
      mark('snapshot');
      const built = await buildProcess({ id, config, hostConfig, image: imageConfig.config ?? {}, rootfs, containerDir: dir, volumes: this.o.volumes, rootless: this.rootless });
      for (const v of built.volumeTargets) await this.o.volumes.populate(v.name, rootfs, v.target);
      await createMountTargets(rootfs, built.process.mounts ?? [], !!this.o.executor.userns);
      await createInitFiles(rootfs, !!this.o.executor.userns);
      mark('process spec and mount points');
      const finalName = name ? (name.startsWith('/') ? name : `/${name}`) : `/${generateName((n) => !!this.find(`/${n}`))}`;
      const rec: ContainerRecord = {
        Id: id,
        Name: finalName,
        Created: new Date().toISOString(),
        Path: built.command[0],
        Args: built.command.slice(1),
        Config: {
          ...config,
          Hostname: built.hostname,
          Env: configEnv(imageConfig.config?.Env, config.Env ?? []),
          Cmd: config.Cmd ?? (config.Entrypoint ? null : imageConfig.config?.Cmd ?? null),
          Entrypoint: config.Entrypoint ?? imageConfig.config?.Entrypoint ?? null,
          WorkingDir: config.WorkingDir || imageConfig.config?.WorkingDir || '',
          User: config.User || imageConfig.config?.User || '',
          Labels: { ...(imageConfig.config?.Labels ?? {}), ...(config.Labels ?? {}) },
          ExposedPorts: { ...(imageConfig.config?.ExposedPorts ?? {}), ...(config.ExposedPorts ?? {}) },
          StopSignal: config.StopSignal || imageConfig.config?.StopSignal || undefined,
          Healthcheck: config.Healthcheck ?? imageConfig.config?.Healthcheck,
        },
        // with a memory limit and no swap limit, memory + swap is twice the memory (dockerd's default)
        HostConfig: { ...hostConfig, ...(hostConfig.Memory && !hostConfig.MemorySwap ? { MemorySwap: hostConfig.Memory * 2 } : {}), NetworkMode: built.process.network === 'none' ? 'none' : 'host' },
        Image: imageRec.id,
        State: emptyState(),
        RestartCount: 0,
        Driver: await this.o.snapshots.mode(),
        Mounts: built.mounts,
        Process: built.process,
      };
      this.records.set(id, rec);
      this.save(rec);
      mark('record');
      this.event('create', rec);
      return { Id: id, Warnings: built.warnings };
    } catch (e) {
      await this.o.snapshots.remove(id).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  // ---------- start / exit ----------

  /**
   * Starts a created or exited container. `beforeStart` runs after the monitor listens and before
   * the process starts (attach connections made by then see all output).
   */
  async start(ref: string): Promise<boolean> {
    const rec = this.get(ref);
    return this.locked(rec.Id, async () => {
      if (rec.State.Running) return false;
      if (rec.State.Status === 'removing') throw conflict(`container ${rec.Id} is marked for removal and cannot be started`);
      await this.launch(rec);
      return true;
    });
  }

  /** Attach sockets waiting for the next start (docker run attaches before it starts). */
  private readonly pendingAttach = new Map<string, Set<{ connect: (socket: string) => Promise<void>; abort: () => void }>>();

  /**
   * Registers `connect`, called with the socket of the container's next monitor once it listens
   * and before its process starts; `abort` is called instead when that start fails.
   */
  onNextStart(id: string, connect: (socket: string) => Promise<void>, abort: () => void): () => void {
    let set = this.pendingAttach.get(id);
    if (!set) this.pendingAttach.set(id, (set = new Set()));
    const entry = { connect, abort };
    set.add(entry);
    return () => set!.delete(entry);
  }

  private async launch(rec: ContainerRecord): Promise<void> {
    const dir = this.dir(rec.Id);
    const mark = this.timer('start', rec.Id);
    const rootfs = await this.o.snapshots.mount(rec.Id);
    mark('mount');
    const spec = { ...rec.Process, rootfs };
    const prepared = this.o.executor.prepare(rec.Id, spec, path.join(dir, 'bundle'));
    mark('bundle');
    const pending = [...(this.pendingAttach.get(rec.Id) ?? [])];
    this.pendingAttach.delete(rec.Id);
    let started: { pid: number; exit?: ExitStatus };
    try {
      started = await this.monitors.start(dir, {
        id: rec.Id,
        argv: prepared.argv,
        env: commandEnv(prepared) as Record<string, string>,
        cleanupArgv: prepared.cleanupArgv,
        cleanupIfExists: prepared.cleanupIfExists,
        tty: !!rec.Config.Tty,
        openStdin: !!rec.Config.OpenStdin,
        stdinOnce: !!rec.Config.StdinOnce,
        logPath: this.logPath(rec.Id),
      }, async (socket) => {
        mark('monitor ready');
        let attached = 0;
        for (const p of pending.splice(0)) await p.connect(socket).then(() => attached++, () => p.abort());
        mark('attach connected');
        return attached;
      });
      mark('process started');
    } catch (e) {
      for (const p of pending) p.abort();
      rec.State = { ...rec.State, Status: 'created', Error: (e as Error).message, ExitCode: 128 };
      this.save(rec);
      throw new RuntimeError(500, `failed to start container ${rec.Id.slice(0, 12)}: ${(e as Error).message}`);
    }
    // the runtime whose state holds the container: exec and pause need the same one (Docker's HostConfig.Runtime)
    rec.HostConfig.Runtime = this.o.executor.name;
    rec.State = { ...emptyState(), Status: 'running', Running: true, Pid: started.pid, StartedAt: new Date().toISOString(), Health: rec.Config.Healthcheck?.Test?.length && rec.Config.Healthcheck.Test[0] !== 'NONE' ? { Status: 'starting', FailingStreak: 0, Log: [] } : undefined };
    this.save(rec, false);
    this.event('start', rec);
    // a process that already ended (the monitor said so with its pid) needs no wait connection
    if (started.exit) void this.onExit(rec.Id, started.exit);
    else this.watchExit(rec.Id);
    mark('record');
    this.spares.refillSoon();
  }

  private watchExit(id: string): void {
    void waitForExit(this.dir(id)).then((exit) => this.onExit(id, exit));
  }

  private async onExit(id: string, exit: ExitStatus): Promise<void> {
    const rec = this.records.get(id);
    if (!rec) return;
    this.o.debug?.(`exit ${id.slice(0, 12)}: seen ${Date.now() - Date.parse(exit.finishedAt)} ms after the process ended`);
    rec.State = { ...rec.State, Status: 'exited', Running: false, Paused: false, Restarting: false, Pid: 0, ExitCode: exit.exitCode, FinishedAt: exit.finishedAt, Error: exit.error ?? '' };
    this.save(rec, false);
    this.event('die', rec, { exitCode: String(exit.exitCode) });
    for (const w of this.exitWaiters.get(id) ?? []) w(exit.exitCode);
    this.exitWaiters.delete(id);
    if (this.shouldRestart(rec)) {
      rec.RestartCount++;
      rec.State.Restarting = true;
      rec.State.Status = 'restarting';
      this.save(rec);
      setTimeout(() => void this.locked(id, () => this.launch(rec)).catch((e) => this.o.warn?.(`restart of ${id}: ${(e as Error).message}`)), 100 * Math.min(rec.RestartCount, 50));
      return;
    }
    if (rec.HostConfig.AutoRemove) await this.remove(id, { force: true, volumes: true }).catch((e) => this.o.warn?.(`auto-remove ${id}: ${(e as Error).message}`));
  }

  private shouldRestart(rec: ContainerRecord): boolean {
    if (rec.ManuallyStopped || rec.HostConfig.AutoRemove) return false;
    const p = rec.HostConfig.RestartPolicy ?? {};
    switch (p.Name) {
      case 'always':
      case 'unless-stopped':
        return true;
      case 'on-failure':
        return rec.State.ExitCode !== 0 && (!p.MaximumRetryCount || rec.RestartCount < p.MaximumRetryCount);
      default:
        return false;
    }
  }

  // ---------- signals ----------

  private signalInit(rec: ContainerRecord, sig: number): void {
    if (!rec.State.Running || !rec.State.Pid) throw conflict(`Container ${rec.Id} is not running`);
    try {
      process.kill(rec.State.Pid, sig);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  }

  async kill(ref: string, signal?: string): Promise<void> {
    const rec = this.get(ref);
    const sig = signalNumber(signal, constants.signals.SIGKILL);
    if (!rec.State.Running) throw conflict(`Cannot kill container: ${ref}: Container ${rec.Id} is not running`);
    if (sig === constants.signals.SIGKILL) rec.ManuallyStopped = true;
    if (rec.State.Paused) await this.unpause(rec.Id);
    this.signalInit(rec, sig);
    this.event('kill', rec, { signal: String(sig) });
  }

  /** Resolves with the exit code of the next exit (immediately when not running). */
  private nextExit(id: string): Promise<number> {
    const rec = this.records.get(id);
    if (!rec || !rec.State.Running) return Promise.resolve(rec?.State.ExitCode ?? 0);
    return new Promise((resolve) => {
      let set = this.exitWaiters.get(id);
      if (!set) this.exitWaiters.set(id, (set = new Set()));
      set.add(resolve);
    });
  }

  /** StopSignal, then SIGKILL after `timeout` seconds (-1 = wait forever). False when not running. */
  async stop(ref: string, timeout?: number, signal?: string): Promise<boolean> {
    const rec = this.get(ref);
    if (!rec.State.Running) return false;
    rec.ManuallyStopped = true;
    this.save(rec);
    const t = timeout ?? rec.Config.StopTimeout ?? 10;
    if (rec.State.Paused) await this.unpause(rec.Id);
    const exited = this.nextExit(rec.Id);
    this.signalInit(rec, signalNumber(signal ?? rec.Config.StopSignal, constants.signals.SIGTERM));
    const timedOut = t < 0 ? false : await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), t * 1000))]);
    if (timedOut && rec.State.Running) {
      try { this.signalInit(rec, constants.signals.SIGKILL); } catch { /* exited meanwhile */ }
    }
    await exited;
    this.event('stop', rec);
    return true;
  }

  async restart(ref: string, timeout?: number, signal?: string): Promise<void> {
    const rec = this.get(ref);
    await this.stop(rec.Id, timeout, signal);
    rec.ManuallyStopped = false;
    await this.start(rec.Id);
    this.event('restart', rec);
  }

  // ---------- pause (cgroup freezer through the OCI runtime) ----------

  /**
   * Throws when the running container was started by another runtime than this engine's (an
   * engine restarted with another `--runtime`, or an upgrade that now prefers crun): that
   * runtime's state is not ours to drive.
   */
  assertOwnRuntime(rec: ContainerRecord, what: string): void {
    const started = rec.HostConfig.Runtime;
    if (rec.State.Running && typeof started === 'string' && started !== this.o.executor.name) {
      throw conflict(`container ${rec.Id.slice(0, 12)} was started by ${started} and this engine runs ${this.o.executor.name}: restart the container to ${what} it`);
    }
  }

  private async runtimeCommand(rec: ContainerRecord, verb: 'pause' | 'resume'): Promise<void> {
    const ex = this.o.executor;
    if (!ex.pause || !ex.resume) throw notSupported(`pause is not supported by the ${ex.name} runtime (it needs the cgroup freezer)`);
    this.assertOwnRuntime(rec, verb);
    await (verb === 'pause' ? ex.pause(rec.Id) : ex.resume(rec.Id));
  }

  async pause(ref: string): Promise<void> {
    const rec = this.get(ref);
    if (!rec.State.Running) throw conflict(`Container ${rec.Id} is not running`);
    if (rec.State.Paused) throw conflict(`Container ${rec.Id} is already paused`);
    await this.runtimeCommand(rec, 'pause');
    rec.State = { ...rec.State, Paused: true, Status: 'paused' };
    this.save(rec);
    this.event('pause', rec);
  }

  async unpause(ref: string): Promise<void> {
    const rec = this.get(ref);
    if (!rec.State.Paused) throw conflict(`Container ${rec.Id} is not paused`);
    await this.runtimeCommand(rec, 'resume');
    rec.State = { ...rec.State, Paused: false, Status: 'running' };
    this.save(rec);
    this.event('unpause', rec);
  }

  /** Records a health check result (HealthChecker); `changed` publishes `health_status: <status>`. */
  setHealth(id: string, health: NonNullable<ContainerState['Health']>, changed: boolean): void {
    const rec = this.records.get(id);
    if (!rec?.State.Running) return;
    rec.State.Health = health;
    this.save(rec);
    if (changed) this.event(`health_status: ${health.Status}`, rec);
  }

  /** Runs `fn` with the container frozen when it runs and the runtime can freeze (docker cp into a running container, commit). */
  async whileFrozen<T>(ref: string, fn: () => Promise<T>): Promise<T> {
    const rec = this.get(ref);
    const freeze = rec.State.Running && !rec.State.Paused && !!this.o.executor.pause && (rec.HostConfig.Runtime ?? this.o.executor.name) === this.o.executor.name;
    if (freeze) await this.o.executor.pause!(rec.Id);
    try {
      return await fn();
    } finally {
      if (freeze) await this.o.executor.resume!(rec.Id).catch(() => undefined);
    }
  }

  updateRestartPolicy(ref: string, policy: ContainerRecord['HostConfig']['RestartPolicy']): void {
    const rec = this.get(ref);
    if (rec.HostConfig.AutoRemove && policy?.Name && policy.Name !== 'no') throw invalid('Restart policy cannot be updated because AutoRemove is enabled for the container');
    rec.HostConfig.RestartPolicy = policy;
    this.save(rec);
  }

  /**
   * docker update of the cgroup limits: recorded in HostConfig and the container's process spec
   * (the next start has them) and, for a running container, set in its cgroups by the runtime now
   * (as dockerd). Rootless there are no cgroups: recorded, and the warning says they do nothing.
   */
  async updateResources(ref: string, limits: Pick<DockerHostConfig, 'Memory' | 'MemorySwap' | 'NanoCpus' | 'CpuQuota' | 'CpuPeriod' | 'CpuShares' | 'PidsLimit'>): Promise<string[]> {
    const rec = this.get(ref);
    for (const [k, v] of Object.entries(limits)) {
      if (v !== undefined && v !== null && (!Number.isSafeInteger(v) || (v < 0 && k !== 'PidsLimit' && !(k === 'MemorySwap' && v === -1)))) throw invalid(`invalid ${k}: ${JSON.stringify(v)}`);
    }
    // dockerd's rules: a new memory limit above the swap limit needs a new swap limit with it
    if (limits.Memory && limits.Memory > (rec.HostConfig.MemorySwap ?? 0) && !limits.MemorySwap) throw invalid('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    const memory = limits.Memory || rec.HostConfig.Memory;
    if (limits.MemorySwap && limits.MemorySwap > 0 && memory && limits.MemorySwap < memory) throw invalid('Minimum memoryswap limit should be larger than memory limit, see usage');
    if (limits.NanoCpus && (limits.CpuQuota || limits.CpuPeriod)) throw invalid('Conflicting options: Nano CPUs and CPU Period cannot both be set');
    const hc = { ...rec.HostConfig };
    for (const [k, v] of Object.entries(limits)) if (v !== undefined && v !== null && v !== 0) (hc as Record<string, unknown>)[k] = v;
    if (limits.NanoCpus) { delete hc.CpuQuota; delete hc.CpuPeriod; }
    if (limits.CpuQuota || limits.CpuPeriod) delete hc.NanoCpus;
    const resources = resourcesOf(hc);
    const ex = this.o.executor;
    const warnings: string[] = [];
    if (this.rootless) warnings.push('Resource limits are ignored: the rootless runtime has no cgroups on this host.');
    else if (rec.State.Running) {
      if (!ex.update || (rec.HostConfig.Runtime ?? ex.name) !== ex.name) throw notSupported(`updating the limits of a running container is not supported by the ${rec.HostConfig.Runtime ?? ex.name} runtime here`);
      await ex.update(rec.Id, resources);
    }
    rec.HostConfig = hc;
    if (!this.rootless) rec.Process = { ...rec.Process, resources };
    this.save(rec);
    return warnings;
  }

  // ---------- wait / rename / remove ----------

  async wait(ref: string, condition: WaitCondition = 'not-running'): Promise<{ StatusCode: number; Error: { Message: string } | null }> {
    const rec = this.get(ref);
    const done = (code: number) => ({ StatusCode: code, Error: null });
    if (condition === 'removed') {
      await new Promise<void>((resolve) => {
        let set = this.removeWaiters.get(rec.Id);
        if (!set) this.removeWaiters.set(rec.Id, (set = new Set()));
        set.add(resolve);
      });
      return done(rec.State.ExitCode);
    }
    if (condition === 'not-running' && !rec.State.Running && !rec.State.Restarting) return done(rec.State.ExitCode);
    return new Promise((resolve) => {
      let set = this.exitWaiters.get(rec.Id);
      if (!set) this.exitWaiters.set(rec.Id, (set = new Set()));
      set.add((code) => resolve(done(code)));
    });
  }

  rename(ref: string, newName: string): void {
    const rec = this.get(ref);
    const name = newName.startsWith('/') ? newName : `/${newName}`;
    if (!VALID_NAME.test(name)) throw invalid(`Invalid container name (${newName}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const other = this.find(name);
    if (other && other.Name === name && other.Id !== rec.Id) throw conflict(`Error when allocating new name: Conflict. The container name "${name}" is already in use by container "${other.Id}". You have to remove (or rename) that container to be able to reuse that name.`);
    const old = rec.Name;
    rec.Name = name;
    this.save(rec);
    this.event('rename', rec, { oldName: old });
  }

  async remove(ref: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const rec = this.get(ref);
    await this.locked(rec.Id, async () => {
      if (!this.records.has(rec.Id)) return;
      if (rec.State.Running) {
        if (!opts.force) throw conflict(`You cannot remove a running container ${rec.Id}. Stop the container before attempting removal or force remove`);
        rec.ManuallyStopped = true;
        if (rec.State.Paused) await this.unpause(rec.Id).catch(() => undefined);
        const exited = this.nextExit(rec.Id);
        this.signalInit(rec, constants.signals.SIGKILL);
        await exited;
      }
      rec.State.Status = 'removing';
      const mark = this.timer('remove', rec.Id);
      // the record goes first and `wait?condition=removed` (docker run --rm) answers before the
      // unmount and deletion of the rootfs; a crash in between leaves a snapshot without a
      // record, which init() removes
      this.store.delete(rec.Id);
      this.records.delete(rec.Id);
      this.event('destroy', rec);
      for (const w of this.removeWaiters.get(rec.Id) ?? []) w();
      this.removeWaiters.delete(rec.Id);
      mark('record (removal reported)');
      await this.o.snapshots.remove(rec.Id);
      mark('snapshot unmounted and deleted (after the answer)');
      this.spares.refillSoon();
      if (opts.volumes) {
        for (const m of rec.Mounts) {
          if (m.Type === 'volume' && m.Name && this.o.volumes.isAnonymous(m.Name) && this.volumeUsers(m.Name).length === 0) {
            this.o.volumes.remove(m.Name, [], true);
          }
        }
      }
    });
  }

  /** Ids of containers mounting volume `name`. */
  volumeUsers(name: string): string[] {
    return this.list().filter((r) => r.Mounts.some((m) => m.Type === 'volume' && m.Name === name)).map((r) => r.Id);
  }

  async prune(keep: (r: ContainerRecord) => boolean = () => false): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
    const deleted: string[] = [];
    for (const r of this.list()) {
      if (r.State.Running || keep(r)) continue;
      await this.remove(r.Id);
      deleted.push(r.Id);
    }
    return { ContainersDeleted: deleted, SpaceReclaimed: 0 };
  }

  /** Stops nothing: containers outlive the daemon. Waiters are dropped; the spare monitor ends; no more spare snapshots. */
  shutdown(): void {
    this.exitWaiters.clear();
    this.monitors.close();
    this.spares.close();
  }
}

/**
 * What Docker's init layer gives every container besides its mount points: an empty /.dockerenv
 * (tools look for it to know they run in a container) and /etc/mtab → /proc/mounts. Made in the
 * container's own layer where the image has none; docker diff and commit leave them out
 * (snapshot/changes.ts INIT_FILES). `mapped`: see createMountTargets.
 */
async function createInitFiles(rootfs: string, mapped: boolean): Promise<void> {
  const make = async (target: string, create: (hostPath: string) => void) => {
    const { hostPath } = await resolveInRoot(rootfs, target);
    if (fs.existsSync(hostPath) || isSymlink(hostPath)) return;
    try {
      create(hostPath);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // no /etc in the image, or (mapped) a directory of another container user: nothing to add there
      if (code !== 'ENOENT' && !(mapped && code === 'EACCES')) throw e;
    }
  };
  await make('/.dockerenv', (p) => {
    fs.writeFileSync(p, '', { flag: 'wx' });
    fs.chmodSync(p, 0o755);
  });
  await make('/etc/mtab', (p) => fs.symlinkSync('/proc/mounts', p));
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Creates missing mount points inside the rootfs (confined), so read-only roots and bubblewrap work.
 * `mapped`: the rootfs holds directories of other (subordinate) users the daemon may not write to;
 * crun creates those mount points itself, as root of the container's user namespace.
 */
async function createMountTargets(rootfs: string, mounts: { type: string; source?: string; target: string }[], mapped = false): Promise<void> {
  for (const m of mounts) {
    const { hostPath } = await resolveInRoot(rootfs, m.target);
    if (fs.existsSync(hostPath)) continue;
    const isFile = m.type === 'bind' && m.source && fs.statSync(m.source).isFile();
    const parent = await resolveInRoot(rootfs, path.posix.dirname(m.target), { followFinal: true });
    try {
      fs.mkdirSync(parent.hostPath, { recursive: true });
      if (isFile) fs.writeFileSync(hostPath, '', { flag: 'wx' });
      else fs.mkdirSync(hostPath);
    } catch (e) {
      if (!mapped || (e as NodeJS.ErrnoException).code !== 'EACCES') throw e;
    }
  }
}
