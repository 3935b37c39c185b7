/**
 * Metadata instructions (no filesystem change) applied to an image config with BuildKit's
 * dockerfile2llb semantics: ENV, LABEL, EXPOSE, VOLUME, CMD, ENTRYPOINT, HEALTHCHECK, STOPSIGNAL,
 * SHELL, USER, WORKDIR (path part), ONBUILD, MAINTAINER.
 */
import type { ContainerConfig, HealthConfig } from '../image';
import { expandWord, type DockerfileModel, type Env, type Instruction } from '../dockerfile';

export const DEFAULT_SHELL = ['/bin/sh', '-c'];
export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export class BuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildError';
  }
}

/** Expands a word; expansion errors fail the build like BuildKit. */
export function expand(text: string, env: Env, escapeChar: '\\' | '`'): string {
  const r = expandWord(text, env, { escapeChar });
  if (r.errors.length) throw new BuildError(r.errors[0].message);
  return r.value;
}

/** Expands a word and splits it into fields (quotes respected), like ProcessWords. */
export function expandWords(text: string, env: Env, escapeChar: '\\' | '`'): string[] {
  const r = expandWord(text, env, { escapeChar, splitWords: true });
  if (r.errors.length) throw new BuildError(r.errors[0].message);
  return r.words ?? [];
}

/** The instruction as written, continuations joined (what `Step N/M :` shows). */
export function instructionText(model: DockerfileModel, inst: Instruction): string {
  const start = model.offsetAt(inst.range.start);
  const end = model.offsetAt(inst.range.end);
  const esc = model.escapeChar === '`' ? '`' : '\\\\';
  return model.text.slice(start, end).replace(new RegExp(`${esc}[ \\t]*\\r?\\n`, 'g'), '').replace(/\s+$/, '');
}

export function envToMap(env: string[] | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of env ?? []) {
    const i = e.indexOf('=');
    if (i < 0) m.set(e, '');
    else m.set(e.slice(0, i), e.slice(i + 1));
  }
  return m;
}

export function setEnv(cfg: ContainerConfig, key: string, value: string): void {
  const env = cfg.Env ?? [];
  const i = env.findIndex((e) => e.split('=')[0] === key);
  if (i >= 0) env[i] = `${key}=${value}`;
  else env.push(`${key}=${value}`);
  cfg.Env = env;
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration, in nanoseconds. */
export function parseDuration(s: string): number {
  if (s === '0') return 0;
  const re = /([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    consumed = re.lastIndex;
  }
  if (consumed !== s.length || consumed === 0) throw new BuildError(`time: invalid duration "${s}"`);
  return Math.round(total);
}

/** Parses an exec-form JSON array or returns undefined for shell form. */
function execForm(inst: Instruction): string[] | undefined {
  return inst.json ? inst.json.elements.map((e) => e.value) : undefined;
}

/** CMD / ENTRYPOINT / HEALTHCHECK CMD / RUN command line. */
export function commandLine(inst: Instruction, shell: string[]): string[] {
  return execForm(inst) ?? [...shell, inst.argsText];
}

function flag(inst: Instruction, name: string): string | undefined {
  return inst.flags.find((f) => f.name.toLowerCase() === name)?.value;
}

export interface MetaContext {
  cfg: ContainerConfig;
  env: Env;
  escapeChar: '\\' | '`';
  /** CMD was set in this stage (ENTRYPOINT then keeps it). */
  cmdSet: boolean;
  author?: string;
}

/** Applies a metadata instruction; returns the history text (BuildKit's created_by). */
export function applyMetadata(inst: Instruction, ctx: MetaContext): string {
  const { cfg, env, escapeChar } = ctx;
  const shell = cfg.Shell?.length ? cfg.Shell : DEFAULT_SHELL;
  switch (inst.kind) {
    case 'ENV': {
      const updates: string[] = [];
      for (const p of inst.pairs) {
        const v = p.value ? expand(p.value.text, env, escapeChar) : '';
        setEnv(cfg, p.key, v);
        updates.push(`${p.key}=${v}`);
      }
      return `ENV ${updates.join(' ')}`;
    }
    case 'LABEL': {
      const parts: string[] = [];
      cfg.Labels ??= {};
      for (const p of inst.pairs) {
        const k = expand(p.key, env, escapeChar);
        const v = p.value ? expand(p.value.text, env, escapeChar) : '';
        cfg.Labels[k] = v;
        parts.push(`${k}=${v}`);
      }
      return `LABEL ${parts.join(' ')}`;
    }
    case 'EXPOSE': {
      cfg.ExposedPorts ??= {};
      for (const p of inst.ports) {
        for (const w of expandWords(p.word.text, env, escapeChar)) {
          const [range, proto = 'tcp'] = w.split('/');
          const [lo, hi = lo] = range.split('-');
          if (!/^\d+$/.test(lo) || !/^\d+$/.test(hi)) throw new BuildError(`invalid containerPort: ${range}`);
          for (let n = Number(lo); n <= Number(hi); n++) cfg.ExposedPorts[`${n}/${proto.toLowerCase()}`] = {};
        }
      }
      return `EXPOSE map[${Object.keys(cfg.ExposedPorts).map((k) => `${k}:{}`).join(' ')}]`;
    }
    case 'VOLUME': {
      cfg.Volumes ??= {};
      const vols = execForm(inst)?.map((v) => expand(v, env, escapeChar)) ?? inst.args.flatMap((a) => expandWords(a.text, env, escapeChar));
      for (const v of vols) {
        if (!v.trim()) throw new BuildError('VOLUME specified can not be an empty string');
        cfg.Volumes[v] = {};
      }
      return `VOLUME [${vols.join(' ')}]`;
    }
    case 'CMD': {
      cfg.Cmd = commandLine(inst, shell);
      ctx.cmdSet = true;
      return `CMD ${JSON.stringify(cfg.Cmd)}`;
    }
    case 'ENTRYPOINT': {
      cfg.Entrypoint = commandLine(inst, shell);
      if (!ctx.cmdSet) cfg.Cmd = null;
      return `ENTRYPOINT ${JSON.stringify(cfg.Entrypoint)}`;
    }
    case 'HEALTHCHECK': {
      if (inst.mode === 'NONE') {
        cfg.Healthcheck = { Test: ['NONE'] };
        return 'HEALTHCHECK NONE';
      }
      if (!inst.command) throw new BuildError('Missing command after HEALTHCHECK CMD');
      const hc: HealthConfig = {
        Test: inst.json ? ['CMD', ...inst.json.elements.map((e) => e.value)] : ['CMD-SHELL', inst.command.text],
      };
      const dur = (name: string, key: 'Interval' | 'Timeout' | 'StartPeriod' | 'StartInterval') => {
        const v = flag(inst, name);
        if (v !== undefined) (hc as Record<string, unknown>)[key] = parseDuration(v);
      };
      dur('interval', 'Interval');
      dur('timeout', 'Timeout');
      dur('start-period', 'StartPeriod');
      dur('start-interval', 'StartInterval');
      const retries = flag(inst, 'retries');
      if (retries !== undefined) {
        if (!/^-?\d+$/.test(retries)) throw new BuildError(`strconv.ParseInt: parsing "${retries}": invalid syntax`);
        if (Number(retries) < 1) throw new BuildError(`--retries must be at least 1 (not ${retries})`);
        hc.Retries = Number(retries);
      }
      cfg.Healthcheck = hc;
      return `HEALTHCHECK &{${JSON.stringify(hc.Test)}}`;
    }
    case 'STOPSIGNAL': {
      cfg.StopSignal = expand(inst.argsText, env, escapeChar);
      return `STOPSIGNAL ${cfg.StopSignal}`;
    }
    case 'SHELL': {
      const s = execForm(inst);
      if (!s) throw new BuildError('SHELL requires the arguments to be in JSON form');
      cfg.Shell = s;
      return `SHELL ${JSON.stringify(s)}`;
    }
    case 'USER': {
      cfg.User = expand(inst.argsText, env, escapeChar);
      return `USER ${cfg.User}`;
    }
    case 'ONBUILD': {
      const trigger = inst.trigger;
      if (!trigger) throw new BuildError('ONBUILD requires at least one argument');
      if (['ONBUILD', 'FROM', 'MAINTAINER'].includes(trigger.kind)) throw new BuildError(`${trigger.kind} isn't allowed as an ONBUILD trigger`);
      const text = inst.argsText;
      cfg.OnBuild = [...(cfg.OnBuild ?? []), text];
      return `ONBUILD ${text}`;
    }
    case 'MAINTAINER': {
      ctx.author = inst.argsText;
      return `MAINTAINER ${inst.argsText}`;
    }
    default:
      throw new BuildError(`unknown instruction: ${inst.keywordText}`);
  }
}
