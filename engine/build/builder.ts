/**
 * The builder: executes the engine/dockerfile model with BuildKit's semantics and produces an
 * image in the image store.
 * - Only the stages the target needs are built; each stage is a memoised promise that first
 *   starts the stages it depends on (FROM <stage>, COPY --from, RUN --mount from=), so
 *   independent stages run in parallel.
 * - Each filesystem step (RUN, COPY, ADD, WORKDIR that creates a dir) runs in a snapshot of the
 *   previous state (engine/runtime's Snapshotter) and its layer is the snapshot's changes, written
 *   by engine/image/layer's writer straight into the content store (diffID + digest in one pass).
 * - Every step has a content-based cache key (see cache.ts); a hit reuses the recorded state.
 * - Where the classic builder and BuildKit differ, BuildKit is followed: stages built FROM another
 *   stage inherit its ARGs, `COPY --chown` parent dirs and WORKDIR dirs are owned by the user,
 *   platform ARGs are predefined, writes to VOLUME paths in RUN are kept, `--chmod` is supported,
 *   `FROM scratch` gets the default PATH.
 * Output is the classic builder's text (`Step N/M : …`, ` ---> …`) because the classic `/build`
 * endpoint is what the docker CLI talks to here.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PassThrough, Writable } from 'node:stream';
import { promisify } from 'node:util';
import {
  parseDockerfile, PLATFORM_ARGS, PROXY_ARGS, platformArgValues, type CopyInstruction, type DockerfileModel, type Instruction, type KeyValueInstruction,
  type RunInstruction, type Stage,
} from '../dockerfile';
import { MediaTypes, parseReference, type ContainerConfig, type Descriptor, type ImageConfig, type ImageStore } from '../image';
import { resolveInRoot, resolveUser, writeLayer, type LayerEntry } from '../image/layer';
import type { Executor, MountSpec } from '../runtime/executor';
import type { LayerSource, Snapshotter } from '../runtime/snapshot';
import { BuildCache, stepKey, type StepState } from './cache';
import { killProcessesRootedAt } from './killRooted';
import { layerOwners, setOwner } from './owner';
import { LayerDirs } from './layerDirs';
import { markTopDir } from './topDir';
import { lowerdirOf, MAX_LOWERDIR, StepStacks, type Stack, type StepMount } from './stepStack';
import { pruneContexts, type BuildContext } from './context';
import { hostStepResolvConf } from './resolvConf';
import { copyInUserns } from './copyInUserns';
import { executeCopy, planCopy, startCopyWorkers, writeLayerInWorker, type CopyPlan, type CopySourceRoot } from './copy';
import {
  applyMetadata, BuildError, commandLine, DEFAULT_PATH, DEFAULT_SHELL, envToMap, expand, instructionText,
} from './instructions';

export { BuildError } from './instructions';

const execFileP = promisify(execFile);

export interface BuilderDeps {
  dataRoot: string;
  images: ImageStore;
  snapshotter: Snapshotter;
  executor: () => Executor;
  /** Debug log: the time each phase of a step took (`--log-level debug`). */
  debug?: (msg: string) => void;
}

export interface BuildOptions {
  context: BuildContext;
  tags?: string[];
  buildArgs?: Record<string, string | null>;
  target?: string;
  labels?: Record<string, string>;
  noCache?: boolean;
  pull?: boolean;
  /** `os/arch[/variant]`; only the host platform is accepted. */
  platform?: string;
  /** `default`, `host`, `none` (classic `networkmode`). */
  networkMode?: string;
  quiet?: boolean;
  signal?: AbortSignal;
  /** Receives the build's text output (Docker's `stream` lines). */
  out: (text: string) => void;
  /** `host:ip` entries added to /etc/hosts in RUN steps (`--add-host`). */
  extraHosts?: string[];
  /** Pulls `ref` into the image store (with this request's credentials); returns the image id. */
  pullImage?: (ref: string, out: (text: string) => void, signal?: AbortSignal) => Promise<string>;
}

export interface BuildResult {
  imageId: string;
  tags: string[];
}

const HOST_OS = 'linux';
const HOST_ARCH = ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[process.arch] ?? process.arch;

function checkPlatform(p: string | undefined): void {
  if (!p) return;
  const [os, arch] = p.toLowerCase().split('/');
  if (os !== HOST_OS || (arch && arch !== HOST_ARCH)) {
    throw new BuildError(`platform ${p} is not supported: this engine builds only for the host platform ${HOST_OS}/${HOST_ARCH} (no emulation)`);
  }
}

/** Snapshot keys of the kept base snapshots (Builder.base); a daemon that starts removes them. */
const BASE_PREFIX = 'buildbase-';

const shortId = (d: string) => d.replace(/^sha256:/, '').slice(0, 12);
const configId = (c: ImageConfig) => `sha256:${createHash('sha256').update(JSON.stringify(c)).digest('hex')}`;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

interface StageResult {
  state: StepState;
  key: string;
  /** ARGs in scope at the end of the stage (inherited by stages built FROM it). */
  args: Map<string, string | undefined>;
  stack?: Stack;
}

/**
 * A step's change to a rootfs: `rootfs` is where it writes, `real` the directory behind it (an
 * overlay's upper, for hard links), `users` where user and group names are looked up. It may answer
 * `{ plain: true }`: it only created files and dirs without xattrs and removed nothing.
 */
type StepWork = (rootfs: string, real: string, users: string) => Promise<void | StepDone>;

/**
 * `plain`: see StepWork. `owner`: the container ids what the step created should have (COPY
 * --chown, WORKDIR under USER); as root the step gave them itself, rootless with subordinate ids
 * the daemon wrote as container root and the snapshotter's user namespace gives them after.
 */
interface StepDone {
  plain: boolean;
  owner?: { uid: number; gid: number };
}

interface StepOptions {
  /** COPY --link: the layer is written onto an empty filesystem, then stacked. */
  independent?: boolean;
  /** With `independent`: `users` must show the stage's filesystem (a --chown by name). */
  userLookups?: boolean;
}

interface StageRun {
  stage: Stage;
  state: StepState;
  key: string;
  args: Map<string, string | undefined>;
  cmdSet: boolean;
  /** Overlay stack of this stage's uncached steps (overlay snapshots only). */
  stack?: Stack;
  /**
   * The last step's layer tar, digests and cache record, still being written while the next step
   * runs (each waits for the one before: state changes stay in step order). See `settle`.
   */
  pending?: Promise<void>;
  /** Layers of pending steps not yet in `state.layers`. */
  pendingLayers: number;
  /** The stage's output in step order (held back behind a pending step's ` ---> id` line). */
  said: Promise<void>;
}

export class Builder {
  readonly cache: BuildCache;
  readonly layerDirs: LayerDirs;
  private readonly buildRoot: string;
  private sweeping?: Promise<void>;

  constructor(private readonly deps: BuilderDeps) {
    this.buildRoot = path.join(deps.dataRoot, 'build');
    this.cache = new BuildCache(this.buildRoot, deps.images.content);
    this.layerDirs = new LayerDirs(this.buildRoot);
    deps.images.addGcRoots(() => this.cache.layerDigests());
    startCopyWorkers(); // COPY of a tree off the event loop's thread (copy.ts)
  }

  /**
   * Base snapshots by the diffIDs they hold: the read-only bottom of step stacks and views, shared
   * by every build and kept mounted between builds (making one is a mount, on the first step's
   * path); at most MAX_BASES, the least recently used going when no build runs.
   */
  private readonly bases = new Map<string, { key: string; rootfs: Promise<string>; usedAt: number }>();
  private static readonly MAX_BASES = 8;
  private running = 0;

  /** The rootfs of the base snapshot of `chain` (diffIDs joined), made from `layers` the first time. */
  base(chain: string, layers: () => LayerSource[]): Promise<string> {
    let b = this.bases.get(chain);
    if (!b) {
      const key = `${BASE_PREFIX}${randomBytes(8).toString('hex')}`;
      const rootfs = this.deps.snapshotter.prepare(key, layers());
      b = { key, rootfs, usedAt: 0 };
      this.bases.set(chain, b);
      rootfs.catch(() => {
        if (this.bases.get(chain) === b) this.bases.delete(chain);
        void this.deps.snapshotter.remove(key).catch(() => undefined);
      });
    }
    b.usedAt = Date.now();
    return b.rootfs;
  }

  /** Removes base snapshots beyond `keep` (least recently used first); only while no build runs. */
  private async dropBases(keep: number): Promise<void> {
    if (this.running) return;
    const old = [...this.bases.entries()].sort((a, b) => a[1].usedAt - b[1].usedAt).slice(0, Math.max(0, this.bases.size - keep));
    for (const [chain] of old) this.bases.delete(chain); // before any await: a build starting now makes its own
    for (const [, b] of old) {
      await b.rootfs.catch(() => undefined);
      await this.deps.snapshotter.remove(b.key).catch(() => undefined);
    }
  }

  async build(opts: BuildOptions): Promise<BuildResult> {
    this.running++;
    try {
      return await new BuildRun(this, this.deps, opts).run();
    } finally {
      this.running--;
      // after the answer, off the build's path: unreferenced layer dirs beyond the budget go
      this.sweeping ??= this.sweepLayerDirs().catch((e) => this.deps.debug?.(`layer dir sweep: ${(e as Error).message}`)).finally(() => { this.sweeping = undefined; });
    }
  }

  /** Cleanups of finished builds still running (after their answer); `/build/prune` waits for them. */
  private readonly cleanups = new Set<Promise<void>>();

  cleaning(p: Promise<void>): void {
    const tracked = p.catch((e) => this.deps.debug?.(`build clean-up: ${(e as Error).message}`)).finally(() => this.cleanups.delete(tracked));
    this.cleanups.add(tracked);
  }

  private async sweepLayerDirs(): Promise<void> {
    await Promise.allSettled([...this.cleanups]);
    await new Promise((r) => setImmediate(r));
    await this.dropBases(Builder.MAX_BASES);
    const referenced = new Set((await this.cache.entries()).flatMap((e) => e.config.rootfs.diff_ids));
    await this.layerDirs.sweep(referenced);
  }

  /** Build cache records for `/system/df` (`BuildCache`). */
  async diskUsage(): Promise<unknown[]> {
    return (await this.cache.entries()).map((e) => ({
      ID: e.key.slice(7, 7 + 25), Parent: e.parent.startsWith('sha256:') ? e.parent.slice(7, 7 + 25) : '', Type: 'regular',
      Description: e.description, InUse: false, Shared: false, Size: e.size, CreatedAt: e.createdAt, LastUsedAt: e.lastUsedAt,
      UsageCount: e.usageCount,
    }));
  }

  /**
   * `/build/prune`: drops every cache record and cache-mount directory, then lets the image store
   * collect the layer blobs only the cache kept alive (its usual grace period protects running builds).
   */
  async prune(): Promise<{ CachesDeleted: string[]; SpaceReclaimed: number }> {
    await Promise.allSettled([...this.cleanups]);
    await this.dropBases(0);
    const { deleted, bytes } = await this.cache.prune();
    await this.layerDirs.prune();
    await this.deps.images.gc();
    // rootless with subordinate ids, cache mounts hold files of other container users: removed in their namespace
    const mounts = path.join(this.buildRoot, 'mounts');
    if (this.deps.snapshotter.usernsFiles) await this.deps.snapshotter.usernsFiles.removeTree(mounts);
    else await fs.promises.rm(mounts, { recursive: true, force: true });
    await pruneContexts(path.join(this.buildRoot, 'contexts'));
    return { CachesDeleted: deleted, SpaceReclaimed: bytes };
  }

  get root(): string {
    return this.buildRoot;
  }

  /**
   * After a crash: kills step processes and removes what running builds left behind (step
   * overlays, build snapshots, network files, rw copies). Cache records, cache mounts and mirrored
   * contexts are kept.
   */
  async recover(): Promise<void> {
    await this.layerDirs.recover();
    const steps = path.join(this.buildRoot, 'steps');
    await killProcessesRootedAt(steps);
    for (const key of this.deps.snapshotter.list()) {
      if (/^(build|view|buildbase)-/.test(key)) {
        await killProcessesRootedAt(path.dirname(this.deps.snapshotter.rootfs(key)));
        await this.deps.snapshotter.remove(key).catch(() => undefined);
      }
    }
    const info = await fs.promises.readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
    const mounts = info.split('\n').map((l) => l.split(' ')[4]).filter((m) => m?.startsWith(`${steps}/`));
    for (const m of mounts.sort((a, b) => b.length - a.length)) {
      await execFileP('/bin/umount', ['-l', m]).catch(() => undefined);
    }
    await fs.promises.rm(steps, { recursive: true, force: true });
    for (const n of await fs.promises.readdir(this.buildRoot).catch(() => [] as string[])) {
      if (/^(net|rw|empty)-/.test(n)) await fs.promises.rm(path.join(this.buildRoot, n), { recursive: true, force: true });
    }
    // the dirs thousands of files are written under: each build's and context's tree in a block group of its own
    for (const d of [steps, path.join(this.buildRoot, 'contexts'), this.layerDirs.dir]) {
      await fs.promises.mkdir(d, { recursive: true, mode: 0o700 });
      await markTopDir(d);
    }
  }
}

class BuildRun {
  private readonly model: DockerfileModel;
  private readonly escape: '\\' | '`';
  private readonly stageRuns = new Map<number, Promise<StageResult>>();
  private readonly buildArgs: Map<string, string>;
  private readonly usedArgs = new Set<string>();
  private readonly globalArgs = new Map<string, string | undefined>();
  private readonly platformArgs = platformArgValues({ os: HOST_OS, arch: HOST_ARCH }, { os: HOST_OS, arch: HOST_ARCH });
  private readonly stepNumbers = new Map<Instruction, number>();
  private totalSteps = 0;
  private readonly snapshots = new Set<string>();
  private readonly stacks: StepStacks;
  /** Releases of the layer dirs this build has in its mounts. */
  private readonly layerDirUses: (() => void)[] = [];
  /** Every stage run started (their output chains are flushed before an error is reported). */
  private readonly runs = new Set<StageRun>();
  /** Layer dirs made for this build's steps (the ones never committed go with the build). */
  private readonly createdDirs: string[] = [];
  /** Aborted when the client cancels or any stage fails (parallel stages stop too). */
  private readonly abort = new AbortController();
  private readonly signal = this.abort.signal;

  constructor(private readonly builder: Builder, private readonly deps: BuilderDeps, private readonly opts: BuildOptions) {
    if (opts.signal?.aborted) this.abort.abort();
    opts.signal?.addEventListener('abort', () => this.abort.abort(), { once: true });
    this.model = parseDockerfile(opts.context.dockerfileText);
    this.stacks = new StepStacks(builder.root);
    this.escape = this.model.escapeChar;
    this.buildArgs = new Map(Object.entries(opts.buildArgs ?? {}).filter(([, v]) => v !== null) as [string, string][]);
  }

  /**
   * BuildKit's SOURCE_DATE_EPOCH build arg: layer mtimes are clamped to it and every timestamp in
   * the config is it, so identical inputs give identical image IDs.
   */
  private get sourceDateEpoch(): number | undefined {
    const v = this.buildArgs.get('SOURCE_DATE_EPOCH');
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  }

  private now(): string {
    const epoch = this.sourceDateEpoch;
    return epoch === undefined ? new Date().toISOString() : new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');
  }

  /** Returns `mark(phase)`, which logs (debug) the ms since the previous mark of this step. */
  private marker(step: string): (phase: string) => void {
    const debug = this.deps.debug;
    if (!debug) return () => undefined;
    let t = performance.now();
    return (phase) => {
      const now = performance.now();
      debug(`build step ${JSON.stringify(step.slice(0, 60))}: ${phase} ${(now - t).toFixed(1)} ms`);
      t = now;
    };
  }

  private out(text: string): void {
    if (!this.opts.quiet) this.opts.out(text);
  }

  private checkCancelled(): void {
    if (this.signal.aborted) throw new BuildError('build cancelled');
  }

  async run(): Promise<BuildResult> {
    checkPlatform(this.opts.platform);
    const fatal = this.model.problems.find((p) => p.severity === 'error');
    if (fatal) throw new BuildError(`failed to parse Dockerfile: line ${fatal.range.start.line + 1}: ${fatal.message}`);
    if (this.model.stages.length === 0) throw new BuildError('No source image provided with `FROM`');
    const target = this.targetStage();
    const needed = this.neededStages(target);
    const counted = [...this.model.globalArgs, ...this.model.stages.filter((s) => needed.has(s.index)).flatMap((s) => s.instructions)];
    counted.forEach((inst, i) => this.stepNumbers.set(inst, i + 1));
    this.totalSteps = counted.length;

    for (const a of this.model.globalArgs) {
      this.step(a);
      for (const p of a.pairs) {
        const v = this.buildArgs.has(p.key) ? this.buildArgs.get(p.key) : p.value ? expand(p.value.text, this.globalEnv(), this.escape) : undefined;
        if (this.buildArgs.has(p.key)) this.usedArgs.add(p.key);
        this.globalArgs.set(p.key, v);
      }
    }
    const mark = this.marker('build');
    let result: BuildResult;
    try {
      const last = await this.buildStage(target.index);
      mark('stages');
      const unused = [...this.buildArgs.keys()].filter((k) => !this.usedArgs.has(k) && k !== 'SOURCE_DATE_EPOCH' && !PROXY_ARGS.some((p) => p.name === k)).sort();
      if (unused.length) this.out(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
      result = await this.commit(last.state);
      mark('committed');
    } catch (e) {
      this.abort.abort();
      // the failing step's own output comes before the error
      await Promise.allSettled([...this.runs].map((r) => r.said));
      await this.cleanUp();
      throw e;
    }
    // The image is complete: the client gets its answer while the mounts and temp dirs go.
    this.builder.cleaning(this.cleanUp().then(() => mark('cleaned up')));
    return result;
  }

  /** Unmounts and removes everything this build made besides its layers (stages have settled or are settling). */
  private async cleanUp(): Promise<void> {
    await Promise.allSettled(this.stageRuns.values());
    await this.stacks.dispose();
    for (const key of this.snapshots) await this.deps.snapshotter.remove(key).catch(() => undefined);
    for (const d of this.createdDirs) await this.builder.layerDirs.discard(d).catch(() => undefined);
    for (const release of this.layerDirUses) release();
  }

  private targetStage(): Stage {
    if (!this.opts.target) return this.model.stages[this.model.stages.length - 1];
    const t = this.opts.target.toLowerCase();
    const s = this.model.stages.find((x) => x.name === t);
    if (!s) throw new BuildError(`failed to reach build target ${this.opts.target} in Dockerfile`);
    return s;
  }

  /** Stages reachable from the target through FROM, COPY --from and RUN --mount from=. */
  private neededStages(target: Stage): Set<number> {
    const out = new Set<number>();
    const visit = (s: Stage) => {
      if (out.has(s.index)) return;
      out.add(s.index);
      for (const d of this.stageDeps(s)) visit(this.model.stages[d]);
    };
    visit(target);
    return out;
  }

  private stageDeps(s: Stage): number[] {
    const deps = new Set<number>();
    if (s.base.kind === 'stage') deps.add(s.base.stageIndex);
    for (const r of s.references) if (r.stageIndex !== undefined && r.stageIndex < s.index) deps.add(r.stageIndex);
    return [...deps];
  }

  private globalEnv(): Map<string, string> {
    const env = new Map<string, string>(this.platformArgs);
    for (const [k, v] of this.globalArgs) if (v !== undefined) env.set(k, v);
    return env;
  }

  private step(inst: Instruction): void {
    this.out(this.stepLine(inst));
  }

  private stepLine(inst: Instruction): string {
    return `Step ${this.stepNumbers.get(inst) ?? '?'}/${this.totalSteps} : ${instructionText(this.model, inst)}\n`;
  }

  private buildStage(index: number): Promise<StageResult> {
    let p = this.stageRuns.get(index);
    if (!p) {
      const stage = this.model.stages[index];
      const deps = this.stageDeps(stage).map((d) => this.buildStage(d));
      // --no-cache: no step needs a whole earlier stage before it asks for it (FROM <stage>, and
      // COPY --from's key, await it there; a view only needs its files: stageFiles), so the stage
      // starts with its dependencies instead of after them. With the cache, a lookup may replace
      // the stage's state at any step: the dependencies come first.
      p = this.opts.noCache ? this.runStage(stage) : Promise.all(deps).then(() => this.runStage(stage));
      p.catch(() => undefined);
      this.stageRuns.set(index, p);
      const files = this.stageFilesOf(index);
      p.then((r) => files.resolve({ stack: r.stack, complete: !!r.stack && r.stack.covered === r.state.layers.length }), files.reject);
    }
    return p;
  }

  /**
   * Per stage: its overlay stack as soon as its last step's files are final, before that step's
   * layer tar and digests are written (`complete`: the stack shows every layer of the stage).
   */
  private readonly stageFiles = new Map<number, { promise: Promise<{ stack?: Stack; complete: boolean }>; resolve: (v: { stack?: Stack; complete: boolean }) => void; reject: (e: unknown) => void }>();

  private stageFilesOf(index: number) {
    let f = this.stageFiles.get(index);
    if (!f) {
      let resolve!: (v: { stack?: Stack; complete: boolean }) => void;
      let reject!: (e: unknown) => void;
      const promise = new Promise<{ stack?: Stack; complete: boolean }>((a, b) => { resolve = a; reject = b; });
      promise.catch(() => undefined);
      f = { promise, resolve, reject };
      this.stageFiles.set(index, f);
    }
    return f;
  }

  // ---------------------------------------------------------------- stages

  private async runStage(stage: Stage): Promise<StageResult> {
    this.checkCancelled();
    const run = await this.from(stage);
    for (const inst of stage.instructions.slice(1)) {
      this.checkCancelled();
      this.say(run, this.stepLine(inst));
      await this.dispatch(run, inst);
    }
    // the files are final: views of this stage need not wait for the last tar (stageFiles)
    this.stageFilesOf(stage.index).resolve({ stack: run.stack, complete: !!run.stack && run.stack.covered === run.state.layers.length + run.pendingLayers });
    await this.settle(run);
    return { state: run.state, key: run.key, args: run.args, stack: run.stack };
  }

  /** Stage output, in step order (behind a pending step's ` ---> id` line). */
  private say(run: StageRun, text: string): void {
    run.said = run.said.then(() => this.out(text));
  }

  /** Waits until the stage's pending step is recorded (throwing its error) and its output is out. */
  private async settle(run: StageRun): Promise<void> {
    await run.pending;
    await run.said;
  }

  private async from(stage: Stage): Promise<StageRun> {
    const from = stage.from;
    this.step(from);
    if (from.platform?.value) checkPlatform(expand(from.platform.value, this.globalEnv(), this.escape));
    const imageText = from.image ? expand(from.image.text, this.globalEnv(), this.escape) : '';
    if (!imageText) throw new BuildError('base name (' + (from.image?.text ?? '') + ') should not be blank');
    const lower = imageText.toLowerCase();
    const parentStage = this.model.stages.find((s) => s.index < stage.index && s.name === lower);
    let run: StageRun;
    if (parentStage) {
      const parent = await this.buildStage(parentStage.index);
      run = { stage, state: clone(parent.state), key: parent.key, args: new Map(parent.args), cmdSet: false, stack: parent.stack, pendingLayers: 0, said: Promise.resolve() };
    } else if (lower === 'scratch') {
      const config: ImageConfig = {
        architecture: HOST_ARCH, os: HOST_OS, config: { Env: [DEFAULT_PATH] }, rootfs: { type: 'layers', diff_ids: [] }, history: [],
      };
      run = { stage, state: { config, layers: [] }, key: 'scratch', args: new Map(), cmdSet: false, pendingLayers: 0, said: Promise.resolve() };
    } else {
      const { id, config, layers } = await this.baseImage(imageText);
      config.config ??= {};
      run = { stage, state: { config, layers }, key: id, args: new Map(), cmdSet: false, pendingLayers: 0, said: Promise.resolve() };
    }
    this.runs.add(run);
    this.say(run, ` ---> ${run.key === 'scratch' ? '' : shortId(configId(run.state.config))}\n`);
    delete run.state.config.container_config;
    run.state.config.config ??= {};
    const triggers = run.state.config.config.OnBuild ?? [];
    if (!parentStage && triggers.length) {
      run.state.config.config.OnBuild = null;
      this.say(run, `# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`);
      for (const t of triggers) {
        const inst = parseDockerfile(`FROM scratch\n${t}\n`).instructions[1];
        if (!inst) continue;
        await this.dispatch(run, inst);
      }
    }
    return run;
  }

  private async baseImage(ref: string): Promise<{ id: string; config: ImageConfig; layers: Descriptor[] }> {
    const images = this.deps.images;
    let id: string | undefined;
    if (!this.opts.pull) id = await images.resolve(ref).then((r) => r.id, () => undefined);
    if (!id) {
      if (!this.opts.pullImage) throw new BuildError(`pull access denied for ${ref}: no registry client is available and the image is not present`);
      id = await this.opts.pullImage(ref, (t) => this.out(t), this.signal);
    }
    const rec = await images.resolve(id);
    const config = clone(await images.config(rec));
    if (config.os && config.os !== HOST_OS || config.architecture && config.architecture !== HOST_ARCH) {
      throw new BuildError(`image ${ref} is for ${config.os}/${config.architecture}, not the host platform ${HOST_OS}/${HOST_ARCH}`);
    }
    const { manifest } = await images.manifest(rec);
    return { id: rec.id, config, layers: manifest.layers };
  }

  // ---------------------------------------------------------------- dispatch

  /** Expansion environment: stage ARGs with a value, then the config Env (ENV beats ARG). */
  private env(run: StageRun): Map<string, string> {
    const env = new Map<string, string>();
    for (const [k, v] of run.args) if (v !== undefined) env.set(k, v);
    for (const [k, v] of envToMap(run.state.config.config?.Env)) env.set(k, v);
    return env;
  }

  private async dispatch(run: StageRun, inst: Instruction): Promise<void> {
    switch (inst.kind) {
      case 'ARG':
        return this.arg(run, inst);
      case 'RUN':
        return this.runStep(run, inst);
      case 'COPY':
      case 'ADD':
        return this.copyStep(run, inst);
      case 'WORKDIR':
        return this.workdir(run, inst);
      case 'FROM':
        throw new BuildError('FROM isn\'t allowed as an ONBUILD trigger');
      default:
        return this.metadata(run, inst);
    }
  }

  private async arg(run: StageRun, inst: KeyValueInstruction): Promise<void> {
    await this.settle(run);
    for (const p of inst.pairs) {
      let v: string | undefined;
      if (this.buildArgs.has(p.key)) {
        v = this.buildArgs.get(p.key);
        this.usedArgs.add(p.key);
      } else if (p.value) v = expand(p.value.text, this.env(run), this.escape);
      else if (this.globalArgs.has(p.key)) v = this.globalArgs.get(p.key);
      else if (PLATFORM_ARGS.some((x) => x.name === p.key)) v = this.platformArgs.get(p.key);
      run.args.set(p.key, v);
    }
    const desc = `ARG ${inst.pairs.map((p) => (run.args.get(p.key) !== undefined ? `${p.key}=${run.args.get(p.key)}` : p.key)).join(' ')}`;
    run.key = stepKey(run.key, [desc]);
    this.say(run, ` ---> ${shortId(configId(run.state.config))}\n`);
  }

  /** Config-only steps are cached too, so a rebuild reproduces the same image ID. */
  private async metadata(run: StageRun, inst: Instruction): Promise<void> {
    await this.settle(run);
    const next = clone(run.state);
    const ctx = { cfg: next.config.config!, env: this.env(run), escapeChar: this.escape, cmdSet: run.cmdSet, author: next.config.author };
    const createdBy = applyMetadata(inst, ctx);
    run.cmdSet = ctx.cmdSet;
    if (ctx.author !== undefined) next.config.author = ctx.author;
    const key = stepKey(run.key, [createdBy]);
    const hit = this.opts.noCache ? undefined : await this.builder.cache.get(key);
    if (hit) {
      run.state = { config: hit.config, layers: hit.layers };
      this.say(run, ' ---> Using cache\n');
    } else {
      const parent = run.key;
      run.state = next;
      this.addHistory(run, createdBy, true);
      await this.builder.cache.put(key, parent, createdBy, run.state, 0);
    }
    run.key = key;
    this.say(run, ` ---> ${shortId(configId(run.state.config))}\n`);
  }

  private addHistory(run: StageRun, createdBy: string, empty: boolean): void {
    const h = run.state.config.history ?? [];
    h.push({ created: this.now(), created_by: createdBy, comment: 'buildkit.dockerfile.v0', ...(empty ? { empty_layer: true } : {}) });
    run.state.config.history = h;
    run.state.config.created = this.now();
  }

  /**
   * Uses the cache entry for `key` or runs `work` (which changes the snapshot) and records it.
   * `work` may answer `{ plain: true }`: it only created files and dirs without xattrs and removed
   * nothing, so the diff need not read xattrs.
   */
  private async cachedStep(run: StageRun, keyOrLater: string | Promise<string>, createdBy: string, work: StepWork, opts: StepOptions = {}): Promise<void> {
    // a key still being computed (COPY --from under --no-cache) is awaited once the work is done
    let key = typeof keyOrLater === 'string' ? keyOrLater : '';
    if (!this.opts.noCache) {
      key = await keyOrLater;
      await this.settle(run); // a hit replaces the state: the step before must be recorded first
      const hit = await this.builder.cache.get(key);
      if (hit) {
        run.state = { config: hit.config, layers: hit.layers };
        run.key = key;
        this.say(run, ' ---> Using cache\n');
        this.say(run, ` ---> ${shortId(configId(run.state.config))}\n`);
        return;
      }
    }
    if ((await this.deps.snapshotter.mode()) !== 'overlay') return this.snapshotStep(run, key || await keyOrLater, createdBy, work, opts);
    const mark = this.marker(createdBy);
    const dirs = this.builder.layerDirs;
    if (!run.stack || run.stack.covered !== run.state.layers.length + run.pendingLayers || lowerdirOf(run.stack).length > MAX_LOWERDIR) {
      await this.settle(run);
      run.stack = await this.stackFor(run.state);
    }
    mark('stack');
    // the step's upper is made among the layer dirs: committing it needs no move
    const upper = dirs.create();
    this.createdDirs.push(upper);
    this.layerDirUses.push(dirs.use([upper]));
    let step: StepMount | undefined;
    let plain: boolean;
    let madeLayer: boolean;
    let users: { root: string; release: () => Promise<void> } | undefined;
    try {
      // an independent step (COPY --link) is written onto nothing: its layer never depends on
      // what the lower layers hold at the destination; it is stacked on them afterwards
      step = await this.stacks.mountStep(opts.independent ? { base: await this.emptyBase(), uppers: [], covered: 0 } : run.stack, upper);
      mark('mount');
      if (opts.independent && opts.userLookups) users = await this.stacks.view(run.stack);
      plain = (await work(step.rootfs, upper, users?.root ?? step.rootfs))?.plain === true;
      mark('work');
      this.checkCancelled();
      await step.unmount();
      // before the upper becomes a lower dir of the next step
      step.dropInitStubs();
      // every entry of the upper is a change (an added or changed file or dir, a whiteout, an
      // opaque dir): the step made a layer exactly when the upper holds anything; its entries are
      // read below, while the next step runs on the upper (read-only to it)
      madeLayer = fs.readdirSync(upper).length > 0;
    } catch (e) {
      await step?.discard();
      throw e;
    } finally {
      await users?.release();
    }
    if (!key) key = await keyOrLater;
    run.stack = { ...run.stack, uppers: [...run.stack.uppers, upper], covered: run.stack.covered + (madeLayer ? 1 : 0) };
    // The layer's entries, tar, digests and the cache record are read and written while the next
    // step runs on top of this upper (read-only to it); state changes still happen in step order.
    const parentKey = run.key;
    run.key = key;
    const prev = run.pending;
    if (madeLayer) run.pendingLayers++;
    const finish = (async () => {
      const entries = madeLayer ? layerOwners(await step.changes({ xattrs: !plain })) : [];
      mark(`diff (${entries.length} entries)`);
      if (madeLayer !== entries.length > 0) throw new BuildError(`step ${createdBy}: its upper dir and its changes disagree`);
      // uncompressed, like BuildKit's layer store: gzip is paid once, on push (distributableManifest)
      const written = entries.length ? await this.storeLayer(entries) : undefined;
      mark('layer written');
      await prev;
      if (written) {
        run.state.layers.push({ mediaType: MediaTypes.ociLayer, digest: written.digest, size: written.size });
        run.state.config.rootfs.diff_ids.push(written.diffID);
        run.pendingLayers--;
        // kept for later builds (not with SOURCE_DATE_EPOCH: the tar's mtimes are clamped, so the
        // dir would not be the layer)
        if (this.sourceDateEpoch === undefined) dirs.commit(upper, written.diffID, written.size);
      }
      this.addHistory(run, createdBy, !written);
      await this.builder.cache.put(key, parentKey, createdBy, run.state, written?.size ?? 0);
      mark('cache record');
      return ` ---> ${shortId(configId(run.state.config))}\n`;
    })();
    run.pending = finish.then(() => undefined);
    run.pending.catch(() => undefined); // awaited by the next step or the stage's end
    run.said = run.said.then(() => finish.then((line) => this.out(line), () => undefined));
  }

  /** A step in a Snapshotter snapshot (copy mode: no overlay stacks), recorded before it returns. */
  private async snapshotStep(run: StageRun, key: string, createdBy: string, work: StepWork, opts: StepOptions): Promise<void> {
    await this.settle(run);
    const snapKey = `build-${randomBytes(8).toString('hex')}`;
    this.snapshots.add(snapKey);
    const mark = this.marker(createdBy);
    let users: string | undefined;
    try {
      const rootfs = await this.deps.snapshotter.prepare(snapKey, opts.independent ? [] : this.layerSources(run.state));
      mark('snapshot');
      if (opts.independent && opts.userLookups) {
        users = `${snapKey}-users`;
        this.snapshots.add(users);
      }
      const done = await work(rootfs, rootfs, users ? await this.deps.snapshotter.prepare(users, this.layerSources(run.state)) : rootfs);
      mark('work');
      await this.deps.snapshotter.unmount(snapKey);
      this.checkCancelled();
      let written: { digest: string; diffID: string; size: number } | undefined;
      if (this.deps.snapshotter.usernsFiles) {
        // rootless with subordinate ids: owners are given, and the layer is written, in the user
        // namespace, where the files show the container ids (and every file can be read)
        const owner = done?.owner;
        if (owner && (owner.uid !== 0 || owner.gid !== 0)) await this.deps.snapshotter.own(snapKey, owner.uid, owner.gid);
        written = await this.storeSnapshotLayer(snapKey);
        mark('layer written (user namespace)');
      } else {
        const entries = layerOwners(await this.deps.snapshotter.changes(snapKey));
        mark(`diff (${entries.length} entries)`);
        written = entries.length ? await this.storeLayer(entries) : undefined;
      }
      if (written) {
        run.state.layers.push({ mediaType: MediaTypes.ociLayer, digest: written.digest, size: written.size });
        run.state.config.rootfs.diff_ids.push(written.diffID);
      }
      this.addHistory(run, createdBy, !written);
      await this.builder.cache.put(key, run.key, createdBy, run.state, written?.size ?? 0);
      run.key = key;
      this.say(run, ` ---> ${shortId(configId(run.state.config))}\n`);
    } finally {
      for (const k of users ? [snapKey, users] : [snapKey]) {
        await this.deps.snapshotter.remove(k).catch(() => undefined);
        this.snapshots.delete(k);
      }
    }
  }

  private emptyBaseDir?: Promise<string>;

  /** An empty read-only lower dir (the base of independent steps). */
  private emptyBase(): Promise<string> {
    this.emptyBaseDir ??= (async () => {
      const d = path.join(this.builder.root, 'empty-base');
      await fs.promises.mkdir(d, { recursive: true, mode: 0o755 });
      return d;
    })();
    return this.emptyBaseDir;
  }

  /** Writes a layer's tar into the content store; its digest is its diffID (uncompressed). */
  private async storeLayer(entries: LayerEntry[]): Promise<{ digest: string; diffID: string; size: number }> {
    // in a worker thread where one is free: written and hashed there, moved into the store here
    const content = this.deps.images.content;
    const tmp = content.ingestPath();
    const off = await writeLayerInWorker({ entries, file: tmp, sourceDateEpoch: this.sourceDateEpoch }).catch(async (e) => {
      await fs.promises.rm(tmp, { force: true });
      throw e;
    });
    if (off) {
      await content.adopt(tmp, off);
      await content.setLayerInfo(off.digest, { diffId: off.digest, uncompressedSize: off.size });
      return { digest: off.digest, diffID: off.digest, size: off.size };
    }
    const pass = new PassThrough();
    const [stored, written] = await Promise.all([
      this.deps.images.content.ingest(pass),
      writeLayer(entries, pass, { signal: this.signal, sourceDateEpoch: this.sourceDateEpoch, compression: 'none' }),
    ]);
    if (stored.digest !== written.digest) throw new BuildError(`layer digest mismatch: ${stored.digest} != ${written.digest}`);
    await this.deps.images.content.setLayerInfo(written.digest, { diffId: written.diffID, uncompressedSize: written.size });
    return written;
  }

  /** The changes of snapshot `key` written by the snapshotter (in its user namespace) and stored; undefined when there are none. */
  private async storeSnapshotLayer(key: string): Promise<{ digest: string; diffID: string; size: number } | undefined> {
    const dir = await fs.promises.mkdtemp(path.join(this.builder.root, 'rw-layer-'));
    try {
      const w = await this.deps.snapshotter.writeChangesLayer(key, dir, { compression: 'none', sourceDateEpoch: this.sourceDateEpoch });
      if (!w.entries) return undefined;
      const stored = await this.deps.images.content.ingest(fs.createReadStream(w.file), { digest: w.digest, size: w.size });
      await this.deps.images.content.setLayerInfo(stored.digest, { diffId: w.diffID, uncompressedSize: w.size });
      return { digest: w.digest, diffID: w.diffID, size: w.size };
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  }

  private layerSources(state: StepState, count = state.layers.length): LayerSource[] {
    return state.layers.slice(0, count).map((l, i) => ({
      diffID: state.config.rootfs.diff_ids[i],
      open: () => this.deps.images.content.openLayer(l.digest),
    }));
  }

  /**
   * An overlay stack for `state`: its newest layers that are kept as layer dirs stacked as they
   * are, on a base snapshot of the layers below (unpacked once per chain by the Snapshotter, e.g.
   * a pulled base image). Mount options must fit a page, so a stack too tall for that has its
   * oldest layers unpacked into the base instead.
   */
  private async stackFor(state: StepState): Promise<Stack> {
    const diffIds = state.config.rootfs.diff_ids;
    const dirs = this.builder.layerDirs;
    const kept = diffIds.map((d) => dirs.path(d));
    let k = diffIds.length;
    while (k > 0 && kept[k - 1]) k--;
    const baseGuess = this.deps.snapshotter.rootfs(`${BASE_PREFIX}${'0'.repeat(16)}`);
    while (k < diffIds.length && lowerdirOf({ base: baseGuess, uppers: kept.slice(k) as string[] }).length > MAX_LOWERDIR) k++;
    const uppers = kept.slice(k) as string[];
    // registered before the first await, so a sweep never takes a dir this build is about to mount
    this.layerDirUses.push(dirs.use(uppers));
    const chain = diffIds.slice(0, k).join(',');
    const base = this.builder.base(chain, () => this.layerSources(state, k));
    return { base: await base, uppers, covered: diffIds.length };
  }

  private async workdir(run: StageRun, inst: Instruction): Promise<void> {
    await this.settle(run); // the pending step's record must not see this WorkingDir
    const cfg = run.state.config.config!;
    let dir = expand(inst.argsText, this.env(run), this.escape);
    if (!path.posix.isAbsolute(dir)) dir = path.posix.join(cfg.WorkingDir || '/', dir);
    dir = path.posix.normalize(dir);
    if (dir.length > 1) dir = dir.replace(/\/+$/, '');
    cfg.WorkingDir = dir;
    const createdBy = `WORKDIR ${dir}`;
    if (dir === '/') {
      this.addHistory(run, createdBy, true);
      run.key = stepKey(run.key, [createdBy]);
      this.say(run, ` ---> ${shortId(configId(run.state.config))}\n`);
      return;
    }
    const user = cfg.User ?? '';
    await this.cachedStep(run, stepKey(run.key, [createdBy, user]), createdBy, async (rootfs) => {
      const owner = user ? await resolveUser(rootfs, user) : { uid: 0, gid: 0 };
      await this.lentAlong(rootfs, dir, async () => {
        let cur = rootfs;
        const r = await resolveInRoot(rootfs, dir, { followFinal: true });
        for (const c of r.rel.split('/').filter(Boolean)) {
          cur = `${cur}/${c}`;
          const st = await fs.promises.lstat(cur).catch(() => null);
          if (st?.isDirectory()) continue;
          if (st) throw new BuildError(`mkdir ${dir}: not a directory`);
          await fs.promises.mkdir(cur, { mode: 0o755 });
          await fs.promises.chmod(cur, 0o755);
          setOwner(cur, owner.uid, owner.gid);
        }
      });
      return { plain: true, owner }; // directories made, nothing removed
    });
  }

  // ---------------------------------------------------------------- COPY / ADD

  /**
   * Rootless with subordinate ids the daemon writes COPY and WORKDIR from outside the user
   * namespace: the existing directories along `dest` are lent to it (made container root's and
   * writable, in the namespace) while `fn` runs, then given back; what the step created gets its
   * owner afterwards (StepDone.owner).
   */
  private async lentAlong<T>(rootfs: string, dest: string, fn: () => Promise<T>): Promise<T> {
    const files = this.deps.snapshotter.usernsFiles;
    if (!files) return fn();
    const lent = await files.lend(rootfs, dest);
    try {
      return await fn();
    } finally {
      await files.restore(rootfs, lent);
    }
  }

  /** The earlier stage `from` names (by name or index), if it names one. */
  private stageRef(run: StageRun, from: string): Stage | undefined {
    const expanded = expand(from, this.env(run), this.escape);
    const byName = this.model.stages.find((s) => s.name === expanded.toLowerCase() && s.index < run.stage.index);
    const byIndex = /^\d+$/.test(expanded) ? this.model.stages[Number(expanded)] : undefined;
    if (byIndex && byIndex.index >= run.stage.index) throw new BuildError(`invalid from flag value ${expanded}: refers to current or future build stage`);
    return byName ?? byIndex;
  }

  /**
   * A read-only rootfs of another stage or image for COPY --from / mounts, with the kept layer
   * dirs it shows (newest first), which COPY may link files from.
   */
  private async viewOf(run: StageRun, from: string): Promise<{ root: string; release: () => Promise<void>; layerDirs?: string[] }> {
    const expanded = expand(from, this.env(run), this.escape);
    const stage = this.stageRef(run, from);
    let state: StepState;
    const viewOfStack = async (stack: Stack) => ({
      ...await this.stacks.view(stack),
      layerDirs: stack.uppers.filter((u) => path.dirname(u) === this.builder.layerDirs.dir).reverse(),
    });
    if (stage) {
      const started = this.buildStage(stage.index);
      const files = await this.stageFilesOf(stage.index).promise;
      if (files.complete && files.stack) return viewOfStack(files.stack);
      const result = await started;
      if (result.stack && result.stack.covered === result.state.layers.length) return viewOfStack(result.stack);
      state = result.state;
    } else {
      const img = await this.baseImage(expanded);
      state = { config: img.config, layers: img.layers };
    }
    if ((await this.deps.snapshotter.mode()) === 'overlay') return viewOfStack(await this.stackFor(state));
    const key = `view-${randomBytes(8).toString('hex')}`;
    this.snapshots.add(key);
    const root = await this.deps.snapshotter.prepare(key, state.layers.map((l, i) => ({
      diffID: state.config.rootfs.diff_ids[i], open: () => this.deps.images.content.openLayer(l.digest),
    })));
    return {
      root,
      release: async () => {
        await this.deps.snapshotter.remove(key).catch(() => undefined);
        this.snapshots.delete(key);
      },
    };
  }

  private async copyStep(run: StageRun, inst: CopyInstruction): Promise<void> {
    const env = this.env(run);
    const cfg = run.state.config.config!;
    const flag = (n: string) => inst.flags.filter((f) => f.name.toLowerCase() === n).map((f) => expand(f.value ?? '', env, this.escape));
    const [from] = inst.from?.value ? [inst.from.value] : [];
    const chownSpec = flag('chown')[0];
    const chmodSpec = flag('chmod')[0];
    const excludes = flag('exclude');
    const parents = inst.flags.some((f) => f.name.toLowerCase() === 'parents' && f.value !== 'false');
    const checksum = flag('checksum')[0];
    if (!inst.dest) throw new BuildError(`${inst.kind} requires at least two arguments, but only one was provided. Destination could not be determined.`);
    let dest = expand(inst.dest.text, env, this.escape);
    if (!path.posix.isAbsolute(dest)) {
      const trailing = dest.endsWith('/') || dest === '.' || dest.endsWith('/.');
      dest = path.posix.join(cfg.WorkingDir || '/', dest) + (trailing && !dest.endsWith('/') ? '/' : '');
    }
    let chmod: number | undefined;
    if (chmodSpec !== undefined) {
      if (!/^[0-7]{3,4}$/.test(chmodSpec)) throw new BuildError(`invalid chmod parameter: ${chmodSpec}. it should be octal string and between 0 and 07777`);
      chmod = parseInt(chmodSpec, 8);
    }
    const heredocNames = new Set(inst.heredocs.map((h) => h.name));
    const inline = inst.heredocs.filter((h) => inst.sources.some((s) => s.text.replace(/^<<-?/, '').replace(/["']/g, '') === h.name)).map((h) => ({
      name: h.name, content: Buffer.from(h.quoted ? h.content : expand(h.content, env, this.escape)),
    }));
    const sources = inst.sources.filter((s) => !(s.text.startsWith('<<') && heredocNames.has(s.text.replace(/^<<-?/, '').replace(/["']/g, ''))))
      .map((s) => expand(s.text, env, this.escape));

    const createdBy = `${inst.kind} ${[...inst.flags.filter((f) => f.name.toLowerCase() !== 'from').map((f) => `--${f.name}=${f.value ?? ''}`), ...sources, ...inline.map((i) => `<<${i.name}`), dest].join(' ')}`;
    // --link (BuildKit): the files go into a layer of their own, written without looking at what
    // the lower layers have at the destination (new dirs 0755 root even where a dir exists; a
    // symlink there is replaced, not followed), then stacked on them
    const link = inst.flags.some((f) => f.name.toLowerCase() === 'link' && f.value !== 'false');
    const stepOpts: StepOptions = { independent: link, userLookups: !!chownSpec && !/^\d+(:\d+)?$/.test(chownSpec) };
    const request = { sources, inline, add: inst.kind === 'ADD', excludes, fetchUrl: (url: string) => this.fetchUrl(url, checksum) };
    const mapping = this.deps.snapshotter.usernsFiles?.mapping;
    /** `plan` undefined: planned in the user namespace (rootless COPY --from, whose sources the daemon may not read) */
    const copy = async (rootfs: string, real: string, users: string, sr: CopySourceRoot, plan: CopyPlan | undefined) => {
      const chown = chownSpec ? await resolveUser(users, chownSpec, { forChown: true }) : undefined;
      if (mapping && (!plan || plan.items.some((i) => i.kind === 'archive'))) {
        // rootless with subordinate ids: owners of other container users are read and given in
        // their user namespace (copyInUserns.ts), chown included; the worker plans the sources
        // there (again, for an ADD of the context's archives)
        if (plan?.items.some((i) => i.kind === 'inline' || i.kind === 'url')) throw new BuildError(`${inst.kind}: heredoc and URL sources cannot be combined with local archives here (rootless)`);
        const done = await copyInUserns(mapping, {
          rootfs, sr: { root: sr.root, ignore: sr.ignore?.patterns, preserveOwnership: sr.preserveOwnership },
          request: { sources: request.sources, add: request.add, excludes },
          opts: { dest, chown, chmod, parents, excludes },
        });
        return { plain: !done.removed };
      }
      // (`plan` is only undefined with a mapping)
      const done = await this.lentAlong(rootfs, dest, () => executeCopy(rootfs, sr, plan!, { dest, chown, chmod, parents, excludes, linkInto: { rootfs, real } }));
      // copies carry no xattrs (links from layer dirs may); without removals overlay made no
      // whiteouts or opaque dirs
      return { plain: !done.removed && !done.linkedFromLayers, owner: chown };
    };
    if (from) {
      // --from: the source is identified by its layers, so a cache lookup needs no view of its
      // filesystem; the view is made only when the step runs.
      // --no-cache: the step's files are copied while the source stage's last tar is still being
      // written; its key (which names the source's diffIDs) is needed only to record the step
      const parentKey = run.key;
      const key = this.sourceIdentity(run, from).then((source) => stepKey(parentKey, [createdBy, source, chownSpec ?? '']));
      key.catch(() => undefined);
      await this.cachedStep(run, this.opts.noCache ? key : await key, createdBy, async (rootfs, real, users) => {
        const view = await this.viewOf(run, from);
        try {
          const sr: CopySourceRoot = { root: view.root, preserveOwnership: true, linkFrom: view.layerDirs };
          return await copy(rootfs, real, users, sr, mapping ? undefined : await planCopy(sr, { ...request, hash: false }));
        } finally {
          await view.release();
        }
      }, stepOpts);
      return;
    }
    const ctx = this.opts.context;
    const sr: CopySourceRoot = { root: ctx.root, ignore: ctx.ignore, preserveOwnership: false, digests: ctx.digests, linkable: ctx.linkable };
    const planned = this.marker(createdBy);
    const plan = await planCopy(sr, request);
    planned(`plan and hash (${plan.items.length} sources)`);
    await this.cachedStep(run, stepKey(run.key, [createdBy, plan.contentHash, chownSpec ?? '']), createdBy, (rootfs, real, users) => copy(rootfs, real, users, sr, plan), stepOpts);
  }

  /**
   * The cache identity of a `--from` source: the diffIDs of its layers, which determine its
   * filesystem exactly (a stage rerun that produced other content has other diffIDs).
   */
  private async sourceIdentity(run: StageRun, from: string): Promise<string> {
    const stage = this.stageRef(run, from);
    const config = stage ? (await this.buildStage(stage.index)).state.config : (await this.baseImage(expand(from, this.env(run), this.escape))).config;
    return createHash('sha256').update(JSON.stringify(config.rootfs.diff_ids)).digest('hex');
  }

  private async fetchUrl(url: string, checksum?: string): Promise<{ name: string; content: Buffer }> {
    const res = await fetch(url, { signal: this.signal });
    if (!res.ok) throw new BuildError(`failed to download ${url}: ${res.status} ${res.statusText}`);
    const content = Buffer.from(await res.arrayBuffer());
    if (checksum) {
      const got = `sha256:${createHash('sha256').update(content).digest('hex')}`;
      if (got !== checksum) throw new BuildError(`digest mismatch for ${url}: expected ${checksum}, got ${got}`);
    }
    const name = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '') || '__unnamed__';
    return { name, content };
  }

  // ---------------------------------------------------------------- RUN

  private async runStep(run: StageRun, inst: RunInstruction): Promise<void> {
    const cfg = run.state.config.config!;
    const shell = cfg.Shell?.length ? cfg.Shell : DEFAULT_SHELL;
    let args: string[];
    const heredoc = inst.heredocs.length === 1 && inst.argsText.trim().startsWith('<<') ? inst.heredocs[0] : undefined;
    if (heredoc) args = [...shell, heredoc.content];
    else if (inst.heredocs.length && !inst.json) {
      // BuildKit hands the shell the command line followed by the heredoc bodies and terminators
      args = [...shell, `${inst.argsText}\n${inst.heredocs.map((h) => `${h.content}${h.name}\n`).join('')}`];
    } else args = commandLine(inst, shell);
    const argEnv = [...run.args].filter(([k, v]) => v !== undefined && !envToMap(cfg.Env).has(k)).map(([k, v]) => `${k}=${v}`).sort();
    const proxyEnv = PROXY_ARGS.filter((p) => this.buildArgs.has(p.name) && !run.args.has(p.name)).map((p) => `${p.name}=${this.buildArgs.get(p.name)}`);
    const network = runNetwork(inst.network?.value, this.opts.networkMode);
    // BuildKit's security.insecure entitlement (all capabilities, no seccomp): the classic build API cannot grant it
    if (inst.security?.value === 'insecure') throw new BuildError('RUN --security=insecure needs the security.insecure entitlement, which a build through this API cannot be granted');
    const mounts = inst.mounts.map((m) => Object.fromEntries([['type', m.type], ...m.options.map((o) => [o.key, o.value === undefined ? 'true' : expand(o.value, this.env(run), this.escape)])]) as Record<string, string>);
    const createdBy = `RUN ${argEnv.length ? `|${argEnv.length} ${argEnv.join(' ')} ` : ''}${args.join(' ')} # buildkit`;
    const key = stepKey(run.key, [createdBy, network, mounts]);
    await this.cachedStep(run, key, createdBy, async (rootfs) => {
      const user = await resolveUser(rootfs, cfg.User || 'root');
      const runMounts: MountSpec[] = [];
      const releases: (() => Promise<void>)[] = [];
      let stubs: string[] = [];
      try {
        for (const m of mounts) runMounts.push(await this.mountFor(run, m, releases));
        const id = randomBytes(6).toString('hex');
        runMounts.push(...await this.networkFiles(id, network, releases));
        stubs = await missingPaths(rootfs, runMounts.map((m) => m.target));
        this.say(run, ` ---> Running in ${id}\n`);
        const sink = new Writable({
          write: (chunk: Buffer, _e, cb) => {
            this.say(run, chunk.toString('utf8'));
            cb();
          },
        });
        this.checkCancelled();
        // Kept up until the runtime returns: the container may still be starting when the abort comes.
        let killer: NodeJS.Timeout | undefined;
        const killStep = () => {
          void killProcessesRootedAt(path.dirname(rootfs));
          killer ??= setInterval(() => void killProcessesRootedAt(path.dirname(rootfs)), 250);
        };
        this.signal.addEventListener('abort', killStep, { once: true });
        const { exitCode } = await this.deps.executor().run({
          rootfs, args, env: [...(cfg.Env ?? []), ...argEnv, ...proxyEnv], cwd: cfg.WorkingDir || '/',
          // Like dockerd/runc, the primary group is also a supplementary group (`id` shows groups=<gid>).
          user: { uid: user.uid, gid: user.gid, additionalGids: [user.gid, ...user.additionalGids] },
          // default: a network namespace of its own with outbound access (slirp4netns), never the host's loopback
          mounts: runMounts, network: network === 'default' ? 'private' : network, hostname: id,
        }, { stdout: sink, stderr: sink, signal: this.signal }).finally(() => {
          this.signal.removeEventListener('abort', killStep);
          clearInterval(killer);
        });
        this.checkCancelled();
        if (exitCode !== 0) {
          throw new BuildError(`The command '${args.join(' ')}' returned a non-zero code: ${exitCode}`);
        }
        this.say(run, `Removing intermediate container ${id}\n`);
      } finally {
        for (const r of releases) await r();
        await removeStubs(rootfs, stubs);
      }
    });
  }

  /**
   * /etc/hosts (localhost, the step's hostname, `--add-host` entries) and /etc/resolv.conf (the
   * host's, as BuildKit filters it for the step's network: resolvConf.ts) for a RUN, bind-mounted
   * like dockerd does, so they never end up in the layer.
   */
  private async networkFiles(hostname: string, network: 'default' | 'none' | 'host', releases: (() => Promise<void>)[]): Promise<MountSpec[]> {
    const dir = await fs.promises.mkdtemp(path.join(this.builder.root, 'net-'));
    releases.push(() => fs.promises.rm(dir, { recursive: true, force: true }));
    const hosts = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', `127.0.1.1\t${hostname}`];
    for (const h of this.opts.extraHosts ?? []) {
      const i = h.indexOf(':');
      if (i <= 0) throw new BuildError(`invalid extra host ${JSON.stringify(h)}: expected host:ip`);
      hosts.push(`${h.slice(i + 1).replace(/^\[|\]$/g, '')}\t${h.slice(0, i)}`);
    }
    await fs.promises.writeFile(path.join(dir, 'hosts'), `${hosts.join('\n')}\n`);
    await fs.promises.writeFile(path.join(dir, 'resolv.conf'), await hostStepResolvConf(network === 'default' ? 'private' : network));
    return [
      { type: 'bind', source: path.join(dir, 'hosts'), target: '/etc/hosts' },
      { type: 'bind', source: path.join(dir, 'resolv.conf'), target: '/etc/resolv.conf' },
    ];
  }

  private async mountFor(run: StageRun, m: Record<string, string>, releases: (() => Promise<void>)[]): Promise<MountSpec> {
    const target = m.target ?? m.dst ?? m.destination;
    const type = m.type;
    if (!target && type !== 'secret' && type !== 'ssh') throw new BuildError(`mount type ${type} requires a target`);
    const safeTarget = (t: string) => {
      if (!path.posix.isAbsolute(t)) t = path.posix.join(run.state.config.config?.WorkingDir || '/', t);
      return path.posix.normalize(t);
    };
    if (type === 'tmpfs') return { type: 'tmpfs', target: safeTarget(target), options: m.size ? [`size=${m.size}`] : undefined };
    if (type === 'cache') {
      const id = m.id ?? target;
      const dir = path.join(this.builder.root, 'mounts', createHash('sha256').update(id).digest('hex').slice(0, 32));
      if (!fs.existsSync(dir)) {
        await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
        await fs.promises.chmod(dir, m.mode ? parseInt(m.mode, 8) : 0o755);
        const [uid, gid] = [Number(m.uid ?? 0), Number(m.gid ?? 0)];
        // rootless with subordinate ids: the container ids are given in their user namespace
        const files = this.deps.snapshotter.usernsFiles;
        if (files) await files.chown(dir, uid, gid);
        else setOwner(dir, uid, gid);
      }
      return { type: 'bind', source: dir, target: safeTarget(target), readonly: m.ro === 'true' || m.readonly === 'true' };
    }
    if (type === 'bind') {
      let root = this.opts.context.root;
      if (m.from) {
        const view = await this.viewOf(run, m.from);
        releases.push(view.release);
        root = view.root;
      }
      // The source is resolved inside its root (never the host's root — CVE-2024-1753).
      const src = await resolveInRoot(root, m.source ?? m.src ?? '/', { followFinal: true });
      const rw = m.rw === 'true' || m.readwrite === 'true';
      let source = src.hostPath;
      if (rw) {
        const copy = await fs.promises.mkdtemp(path.join(this.builder.root, 'rw-'));
        await fs.promises.cp(src.hostPath, copy, { recursive: true, verbatimSymlinks: true, force: true });
        releases.push(() => fs.promises.rm(copy, { recursive: true, force: true }));
        source = copy;
      }
      return { type: 'bind', source, target: safeTarget(target), readonly: !rw };
    }
    if (type === 'secret' || type === 'ssh') {
      if (m.required === 'true') throw new BuildError(`${type} ${m.id ?? 'default'}: not provided (the classic /build API has no ${type} forwarding)`);
      const empty = await fs.promises.mkdtemp(path.join(this.builder.root, 'empty-'));
      releases.push(() => fs.promises.rm(empty, { recursive: true, force: true }));
      return { type: 'tmpfs', target: safeTarget(target ?? (type === 'secret' ? `/run/secrets/${m.id ?? 'secret'}` : '/run/buildkit/ssh_agent.0')), readonly: true, options: ['size=1k'] };
    }
    throw new BuildError(`unsupported mount type ${type}`);
  }

  // ---------------------------------------------------------------- commit

  private async commit(state: StepState): Promise<BuildResult> {
    const config = clone(state.config);
    const cfg: ContainerConfig = config.config ?? {};
    if (this.opts.labels && Object.keys(this.opts.labels).length) cfg.Labels = { ...cfg.Labels, ...this.opts.labels };
    config.config = cfg;
    config.created ??= this.now();
    const rec = await this.deps.images.putImage(config, state.layers);
    const tags: string[] = [];
    for (const t of this.opts.tags ?? []) {
      const ref = parseReference(t);
      await this.deps.images.tag(rec.id, t);
      tags.push(ref.tag || ref.digest ? t : `${t}:latest`);
    }
    this.out(`Successfully built ${shortId(rec.id)}\n`);
    for (const t of tags) this.out(`Successfully tagged ${t}\n`);
    return { imageId: rec.id, tags };
  }
}


/**
 * The network of a RUN step. The request's `networkmode` (`docker build --network`) is the default;
 * `RUN --network=` overrides it. Host networking is an entitlement, as in BuildKit
 * (`--allow network.host`): a Dockerfile gets it with `RUN --network=host` only when the build was
 * asked for it (`--network=host`), never on its own (CVE-2024-23653). `default` is a network
 * namespace of the step's own with outbound access through slirp4netns and no way to the host's
 * loopback (runtime/executor/network.ts); `none` is one with only loopback.
 */
export function runNetwork(flag: string | undefined, networkMode: string | undefined): 'default' | 'none' | 'host' {
  const requested = !networkMode || networkMode === 'bridge' || networkMode === 'default' ? 'default' : networkMode;
  if (!['default', 'none', 'host'].includes(requested)) {
    throw new BuildError(`network mode ${JSON.stringify(networkMode)} is not supported by this engine's builder: use default, none or host`);
  }
  const network = flag ?? requested;
  if (!['default', 'none', 'host'].includes(network)) throw new BuildError(`unsupported network mode ${network}`);
  if (network === 'host' && requested !== 'host') {
    throw new BuildError('RUN --network=host needs the network.host entitlement: build with --network=host to grant it');
  }
  return network as 'default' | 'none' | 'host';
}

/** The components of `targets` that do not exist in `rootfs` yet (mount points the runtime will create). */
async function missingPaths(rootfs: string, targets: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const t of targets) {
    let cur = '';
    for (const c of t.split('/').filter(Boolean)) {
      cur = `${cur}/${c}`;
      const r = await resolveInRoot(rootfs, cur);
      if (!(await fs.promises.lstat(r.hostPath).catch(() => null)) && !out.includes(cur)) out.push(cur);
    }
  }
  return out;
}

/**
 * Removes the mount stubs a RUN's mounts left behind (empty dirs/files that did not exist before),
 * deepest first, re-resolved inside the rootfs after the step (CVE-2024-23652).
 */
async function removeStubs(rootfs: string, stubs: string[]): Promise<void> {
  for (const s of [...stubs].sort((a, b) => b.length - a.length)) {
    const r = await resolveInRoot(rootfs, s);
    const st = await fs.promises.lstat(r.hostPath).catch(() => null);
    if (!st) continue;
    if (st.isDirectory()) await fs.promises.rmdir(r.hostPath).catch(() => undefined);
    else if (st.isFile() && st.size === 0) await fs.promises.unlink(r.hostPath).catch(() => undefined);
  }
}
