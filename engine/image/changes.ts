// `docker import --change` / `docker commit --change`: Dockerfile instructions applied to an image
// config. Lines are parsed with the project's one Dockerfile parser (engine/dockerfile) and values
// expanded against the config's environment, like moby's BuildFromConfig.
import { expandWord, parseDockerfile, type Instruction } from '../dockerfile';
import { ImageError } from './errors';
import type { ContainerConfig } from './types';

const ALLOWED = new Set(['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

function envMap(cfg: ContainerConfig): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of cfg.Env ?? []) {
    const i = e.indexOf('=');
    if (i > 0) m.set(e.slice(0, i), e.slice(i + 1));
  }
  return m;
}

function expand(text: string, cfg: ContainerConfig): string {
  const r = expandWord(text, envMap(cfg));
  if (r.errors.length) throw new ImageError('invalidArgument', `invalid change: ${r.errors[0].message}`);
  return r.value;
}

function setEnv(cfg: ContainerConfig, key: string, value: string): void {
  const env = (cfg.Env ?? []).filter((e) => !e.startsWith(`${key}=`));
  const at = (cfg.Env ?? []).findIndex((e) => e.startsWith(`${key}=`));
  if (at >= 0) env.splice(at, 0, `${key}=${value}`);
  else env.push(`${key}=${value}`);
  cfg.Env = env;
}

function commandOf(ins: Instruction, cfg: ContainerConfig): string[] {
  if (ins.json) return ins.json.elements.map((e) => e.value);
  return [...(cfg.Shell?.length ? cfg.Shell : ['/bin/sh', '-c']), ins.argsText];
}

function exposedPorts(spec: string): string[] {
  const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(spec);
  if (!m) throw new ImageError('invalidArgument', `invalid containerPort: ${spec}`);
  const start = Number(m[1]);
  const end = m[2] ? Number(m[2]) : start;
  if (end < start || end > 65535) throw new ImageError('invalidArgument', `invalid port range: ${spec}`);
  const proto = (m[3] ?? 'tcp').toLowerCase();
  return Array.from({ length: end - start + 1 }, (_, i) => `${start + i}/${proto}`);
}

/** Applies `changes` (one instruction each) to a copy of `config`. Throws with Docker's messages. */
export function applyChanges(config: ContainerConfig, changes: string[]): ContainerConfig {
  const cfg: ContainerConfig = structuredClone(config);
  for (const line of changes) {
    if (!line.trim()) continue;
    const model = parseDockerfile(line);
    const ins = model.instructions[0];
    if (!ins || model.instructions.length !== 1) throw new ImageError('invalidArgument', `invalid change: ${JSON.stringify(line)}`);
    if (!ALLOWED.has(ins.keyword)) {
      throw new ImageError('invalidArgument', ins.kind === 'UNKNOWN' ? `dockerfile parse error line 1: unknown instruction: ${ins.keywordText}` : `${ins.keyword} is not a valid change command`);
    }
    switch (ins.kind) {
      case 'CMD':
        cfg.Cmd = commandOf(ins, cfg);
        break;
      case 'ENTRYPOINT':
        cfg.Entrypoint = commandOf(ins, cfg);
        cfg.Cmd = null; // like Docker: a new ENTRYPOINT resets CMD
        break;
      case 'ENV':
        for (const p of ins.pairs) setEnv(cfg, expand(p.key, cfg), p.value ? expand(p.value.text, cfg) : '');
        break;
      case 'LABEL':
        cfg.Labels = { ...cfg.Labels };
        for (const p of ins.pairs) cfg.Labels[expand(p.key, cfg)] = p.value ? expand(p.value.text, cfg) : '';
        break;
      case 'EXPOSE':
        cfg.ExposedPorts = { ...cfg.ExposedPorts };
        for (const p of ins.ports) {
          for (const port of exposedPorts(expand(p.word.text, cfg))) cfg.ExposedPorts[port] = {};
        }
        break;
      case 'VOLUME': {
        const vols = ins.json ? ins.json.elements.map((e) => e.value) : ins.args.map((w) => expand(w.text, cfg));
        cfg.Volumes = { ...cfg.Volumes };
        for (const v of vols) {
          if (!v.trim()) throw new ImageError('invalidArgument', 'VOLUME specified can not be an empty string');
          cfg.Volumes[v] = {};
        }
        break;
      }
      case 'USER':
        cfg.User = expand(ins.argsText, cfg);
        break;
      case 'WORKDIR': {
        const dir = expand(ins.argsText, cfg);
        cfg.WorkingDir = dir.startsWith('/') ? dir : `${(cfg.WorkingDir || '/').replace(/\/$/, '')}/${dir}`;
        break;
      }
      case 'STOPSIGNAL':
        cfg.StopSignal = expand(ins.argsText, cfg);
        break;
      case 'ONBUILD': {
        const trigger = ins.trigger?.keyword;
        if (!trigger) throw new ImageError('invalidArgument', 'ONBUILD requires at least one argument');
        if (trigger === 'ONBUILD') throw new ImageError('invalidArgument', "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        if (trigger === 'FROM' || trigger === 'MAINTAINER') throw new ImageError('invalidArgument', `${trigger} isn't allowed as an ONBUILD trigger`);
        cfg.OnBuild = [...(cfg.OnBuild ?? []), ins.argsText.replace(/^\S+/, trigger)];
        break;
      }
    }
  }
  return cfg;
}
