/**
 * Variable scopes as BuildKit's dockerfile2llb computes them:
 * - global ARGs (before the first FROM) and the platform ARGs are visible only in FROM lines;
 * - inside a stage an ARG is in effect from its line on; `ARG V` without a value takes the
 *   `--build-arg`, else the global default; platform ARGs need `ARG NAME` in a stage;
 * - `--build-arg` > own default > global default; ENV beats ARG of the same name;
 * - a stage `FROM <earlier stage>` inherits that stage's ENV and ARGs;
 * - one environment per instruction (`ENV a=1 b=$a` sees the previous `a`);
 * - proxy ARGs are usable everywhere without declaration.
 * The builder passes real build args, platforms and each base image's Env; the editor uses the
 * defaults and treats a stage rooted at an external image as having an unknown environment.
 */
import type { DockerfileModel, Instruction, Position, Range, Stage, StageBase, Word } from '../model';
import { History } from './versionedMap';
import { expandWord, type Env, type ExpandResult } from './lex';
import { PLATFORM_ARGS, PROXY_ARGS, platformArgValues, type PlatformSpec } from './predefined';

export type VariableKind = 'arg' | 'env' | 'predefined' | 'build-arg' | 'base-image';

export interface VariableDefinition {
  name: string;
  /** Effective value; undefined when declared but unset (`ARG V` with nothing to take). */
  value: string | undefined;
  kind: VariableKind;
  /** Range of the name in its ARG/ENV instruction (none for predefined / base image). */
  range?: Range;
  instruction?: Instruction;
  /** Stage the definition was made in; -1 for global ARGs and predefined ones. */
  stageIndex: number;
}

export interface Scope {
  /** Every visible name (set or only declared), ENV shadowing ARG. */
  vars: ReadonlyMap<string, VariableDefinition>;
  /** The environment for `expandWord`: names with a value. */
  env: Env;
  /** The stage's root is an external image whose Env was not provided: any name may exist. */
  baseEnvUnknown: boolean;
  stageIndex: number;
}

export interface ScopeOptions {
  /** `--build-arg` values. */
  buildArgs?: ReadonlyMap<string, string> | Record<string, string>;
  /** Target platform (default linux/amd64). */
  targetPlatform?: PlatformSpec;
  /** Build platform (default = target). */
  buildPlatform?: PlatformSpec;
  /** Env of an external base image (`KEY=value` entries or a map); undefined = unknown. */
  baseImageEnv?: (stage: Stage) => ReadonlyMap<string, string> | string[] | undefined;
}

const DEFAULT_PLATFORM: PlatformSpec = { os: 'linux', arch: 'amd64' };
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface StageState {
  args: Map<string, VariableDefinition>;
  envs: Map<string, VariableDefinition>;
  baseEnvUnknown: boolean;
  vars: History<VariableDefinition>;
  env: History<string>;
  scope: Scope;
}

/** All scopes of a model, computed once. */
export class ScopeModel {
  private readonly globalState: StageState;
  /** By instruction index (`Instruction.index`). */
  private readonly before: Scope[] = [];
  /** Only where the scope changes (FROM, ARG, ENV); elsewhere the scope after is the one before. */
  private readonly after: (Scope | undefined)[] = [];
  private readonly stageFinal: StageState[] = [];
  /** ARG/ENV values as expanded for the scope (the linter reuses them rather than expanding twice). */
  private readonly valueExpansions = new Map<Word, ExpandResult>();

  constructor(readonly model: DockerfileModel, readonly options: ScopeOptions = {}) {
    const buildArgs = toMap(options.buildArgs);
    const target = options.targetPlatform ?? DEFAULT_PLATFORM;
    const platform = platformArgValues(target, options.buildPlatform ?? target);
    const escapeChar = model.escapeChar;
    const proxies = (into: Map<string, VariableDefinition>) => {
      for (const p of PROXY_ARGS) {
        into.set(p.name, { name: p.name, value: buildArgs.get(p.name), kind: 'predefined', stageIndex: -1 });
      }
    };

    const globalArgs = new Map<string, VariableDefinition>();
    for (const p of PLATFORM_ARGS) {
      globalArgs.set(p.name, { name: p.name, value: platform.get(p.name), kind: 'predefined', stageIndex: -1 });
    }
    proxies(globalArgs);
    const globalState = initialState(globalArgs, new Map(), false, -1);
    this.globalState = globalState;

    let state = globalState;
    let stageIndex = -1;
    for (const inst of model.instructions) {
      if (inst.kind === 'FROM') {
        if (state !== globalState) this.stageFinal[stageIndex] = state;
        stageIndex = inst.stageIndex;
        this.before[inst.index] = globalState.scope;
        state = this.startStage(model.stages[stageIndex], proxies);
        this.after[inst.index] = state.scope;
        continue;
      }
      const current = state.scope;
      this.before[inst.index] = current;
      if (inst.kind !== 'ARG' && inst.kind !== 'ENV') continue; // `after` is recorded only where it differs
      const changed: string[] = [];
      if (inst.kind === 'ARG') {
        for (const pair of inst.pairs) {
          if (!pair.key) continue;
          let value: string | undefined;
          let kind: VariableKind = 'arg';
          if (buildArgs.has(pair.key)) {
            value = buildArgs.get(pair.key);
            kind = 'build-arg';
          } else if (pair.value) {
            value = this.expandValue(pair.value, current.env, escapeChar);
          } else if (state !== globalState) {
            value = globalArgs.get(pair.key)?.value;
          }
          state.args.set(pair.key, { name: pair.key, value, kind, range: pair.keyRange, instruction: inst, stageIndex });
          changed.push(pair.key);
        }
      } else if (inst.kind === 'ENV' && state !== globalState) {
        for (const pair of inst.pairs) {
          if (!pair.key) continue;
          const value = pair.value ? this.expandValue(pair.value, current.env, escapeChar) : '';
          state.envs.set(pair.key, { name: pair.key, value, kind: 'env', range: pair.keyRange, instruction: inst, stageIndex });
          changed.push(pair.key);
        }
      }
      if (changed.length > 0) {
        state.vars.next();
        state.env.next();
        for (const k of changed) {
          const def = state.envs.get(k) ?? state.args.get(k); // ENV beats ARG of the same name
          state.vars.set(k, def);
          state.env.set(k, def?.value);
        }
        state.scope = { ...current, vars: state.vars.at(), env: state.env.at() };
        this.after[inst.index] = state.scope;
      }
    }
    if (state !== globalState) this.stageFinal[stageIndex] = state;
  }

  private expandValue(word: Word, env: Env, escapeChar: DockerfileModel['escapeChar']): string {
    const result = expandWord(word.text, env, { escapeChar });
    this.valueExpansions.set(word, result);
    return result.value;
  }

  /** How an ARG/ENV value word was expanded in the scope before its instruction (if it was). */
  expansionOf(word: Word): ExpandResult | undefined {
    return this.valueExpansions.get(word);
  }

  /** Scope for FROM lines (global ARGs + platform ARGs). */
  get global(): Scope {
    return this.globalState.scope;
  }

  /**
   * The stage's base after expanding its FROM image with the global ARGs (BuildKit resolves
   * stage names after expansion): `ARG BASE=build` + `FROM $BASE` is based on stage `build`.
   */
  resolvedBase(stage: Stage): StageBase {
    if (stage.base.kind !== 'image' || !stage.base.image.includes('$')) return stage.base;
    const image = expandWord(stage.base.image, this.global.env, { escapeChar: this.model.escapeChar }).value;
    const name = image.toLowerCase();
    if (name === 'scratch') return { kind: 'scratch' };
    const parent = this.model.stages.find((s) => s.index < stage.index && s.name === name);
    return parent ? { kind: 'stage', stageIndex: parent.index } : { kind: 'image', image };
  }

  private startStage(stage: Stage, proxies: (into: Map<string, VariableDefinition>) => void): StageState {
    const base = this.resolvedBase(stage);
    if (base.kind === 'stage') {
      const parent = this.stageFinal[base.stageIndex];
      if (parent) {
        const vars = new History({ history: parent.vars, version: parent.vars.version });
        const env = new History({ history: parent.env, version: parent.env.version });
        return {
          args: new Map(parent.args),
          envs: new Map(parent.envs),
          baseEnvUnknown: parent.baseEnvUnknown,
          vars,
          env,
          scope: { vars: vars.at(), env: env.at(), baseEnvUnknown: parent.baseEnvUnknown, stageIndex: stage.index },
        };
      }
    }
    const args = new Map<string, VariableDefinition>();
    proxies(args);
    const envs = new Map<string, VariableDefinition>();
    let baseEnvUnknown = false;
    if (base.kind === 'image') {
      const provided = this.options.baseImageEnv?.(stage);
      if (provided === undefined) baseEnvUnknown = true;
      else {
        for (const [name, value] of toMap(provided)) {
          envs.set(name, { name, value, kind: 'base-image', stageIndex: stage.index });
        }
      }
    } else {
      envs.set('PATH', { name: 'PATH', value: DEFAULT_PATH, kind: 'base-image', stageIndex: stage.index });
    }
    return initialState(args, envs, baseEnvUnknown, stage.index);
  }

  /** The scope an instruction's words are expanded in (FROM: the global scope). */
  scopeBefore(inst: Instruction): Scope {
    return this.before[inst.index] ?? this.global; // an ONBUILD trigger has its ONBUILD's index
  }

  /** The scope after an instruction ran (for FROM: the new stage's initial scope). */
  scopeAfter(inst: Instruction): Scope {
    const index = inst.index;
    return this.after[index] ?? this.before[index] ?? this.global;
  }

  /** The scope at a position: inside an instruction, the one it is expanded in; between
   * instructions, the one after the previous instruction. */
  scopeAt(position: Position): Scope {
    const insts = this.model.instructions;
    let lo = 0;
    let hi = insts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (comparePos(insts[mid].fullRange.start, position) <= 0) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return this.global;
    const inst = insts[found];
    return comparePos(position, inst.fullRange.end) <= 0 ? this.scopeBefore(inst) : this.scopeAfter(inst);
  }
}

function comparePos(a: Position, b: Position): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

function toMap(v: ReadonlyMap<string, string> | Record<string, string> | string[] | undefined): Map<string, string> {
  if (!v) return new Map();
  if (Array.isArray(v)) {
    const m = new Map<string, string>();
    for (const e of v) {
      const i = e.indexOf('=');
      if (i < 0) m.set(e, '');
      else m.set(e.slice(0, i), e.slice(i + 1));
    }
    return m;
  }
  if (v instanceof Map) return new Map(v);
  return new Map(Object.entries(v));
}

function initialState(
  args: Map<string, VariableDefinition>, envs: Map<string, VariableDefinition>, baseEnvUnknown: boolean, stageIndex: number,
): StageState {
  const vars = new History<VariableDefinition>();
  const env = new History<string>();
  for (const [k, v] of args) vars.set(k, v);
  for (const [k, v] of envs) vars.set(k, v);
  for (const k of vars.names()) env.set(k, vars.get(k, 0)?.value);
  return { args, envs, baseEnvUnknown, vars, env, scope: { vars: vars.at(), env: env.at(), baseEnvUnknown, stageIndex } };
}

/** Convenience: the scope at a position in a freshly computed scope model. */
export function scopeAt(model: DockerfileModel, position: Position, options?: ScopeOptions): Scope {
  return new ScopeModel(model, options).scopeAt(position);
}
