// `docker commit`: the container's filesystem changes become one new layer on top of its image
// (engine/image/layer writeLayer over the snapshot's diff), with the container's config, `changes`
// (Dockerfile instructions), author and comment.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerConfig, ImageConfig, ImageStore, Reference } from '../../image';
import { invalid } from '../errors';
import type { Snapshotter } from '../snapshot';
import type { ContainerManager } from './manager';

/** Shell form → `/bin/sh -c`, JSON form kept. */
function commandForm(rest: string): string[] {
  const t = rest.trim();
  if (t.startsWith('[')) {
    try {
      const v = JSON.parse(t) as unknown;
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    } catch { /* shell form */ }
  }
  return ['/bin/sh', '-c', t];
}

function keyValues(rest: string): [string, string][] {
  const t = rest.trim();
  if (!t.includes('=')) {
    const [k, ...v] = t.split(/\s+/);
    return [[k, v.join(' ')]];
  }
  const out: [string, string][] = [];
  for (const m of t.matchAll(/([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
    const raw = m[2];
    out.push([m[1], raw.startsWith('"') ? JSON.parse(raw) as string : raw.startsWith("'") ? raw.slice(1, -1) : raw]);
  }
  return out;
}

/** Applies `docker commit --change` instructions (CMD, ENTRYPOINT, ENV, LABEL, EXPOSE, WORKDIR, USER, VOLUME, STOPSIGNAL). */
export function applyChanges(config: ContainerConfig, changes: string[]): ContainerConfig {
  const c: ContainerConfig = { ...config };
  for (const change of changes) {
    const m = /^\s*(\w+)\s+([\s\S]*)$/.exec(change);
    if (!m) throw invalid(`dockerfile parse error: invalid change: ${change}`);
    const [, instr, rest] = m;
    switch (instr.toUpperCase()) {
      case 'CMD': c.Cmd = commandForm(rest); break;
      case 'ENTRYPOINT': c.Entrypoint = commandForm(rest); break;
      case 'ENV': {
        const env = [...(c.Env ?? [])];
        for (const [k, v] of keyValues(rest)) {
          const i = env.findIndex((e) => e.startsWith(`${k}=`));
          if (i >= 0) env[i] = `${k}=${v}`;
          else env.push(`${k}=${v}`);
        }
        c.Env = env;
        break;
      }
      case 'LABEL': c.Labels = { ...(c.Labels ?? {}), ...Object.fromEntries(keyValues(rest)) }; break;
      case 'EXPOSE': {
        const ports = { ...(c.ExposedPorts ?? {}) };
        for (const p of rest.trim().split(/\s+/)) ports[p.includes('/') ? p : `${p}/tcp`] = {};
        c.ExposedPorts = ports;
        break;
      }
      case 'WORKDIR': c.WorkingDir = rest.trim(); break;
      case 'USER': c.User = rest.trim(); break;
      case 'VOLUME': {
        const vols = { ...(c.Volumes ?? {}) };
        const list = rest.trim().startsWith('[') ? commandForm(rest) : rest.trim().split(/\s+/);
        for (const v of list) vols[v] = {};
        c.Volumes = vols;
        break;
      }
      case 'STOPSIGNAL': c.StopSignal = rest.trim(); break;
      default: throw invalid(`${instr} is not a valid change command`);
    }
  }
  return c;
}

export interface CommitOptions {
  container: string;
  refs: Reference[];
  author?: string;
  comment?: string;
  changes?: string[];
  pause?: boolean;
  /** body of POST /commit: a config to use instead of the container's (fields given win) */
  config?: ContainerConfig;
}

export async function commitContainer(m: ContainerManager, snapshots: Snapshotter, images: ImageStore, o: CommitOptions): Promise<string> {
  const rec = m.get(o.container);
  const base = await images.resolve(rec.Image);
  const baseConfig = await images.config(base);
  const { manifest } = await images.manifest(base);
  const tmpDir = path.join(m.dir(rec.Id), 'commit');
  const run = () => snapshots.writeChangesLayer(rec.Id, tmpDir);
  const layer = o.pause === false ? await run() : await m.whileFrozen(rec.Id, run);
  try {
    const blob = await images.content.ingest(fs.createReadStream(layer.file), { digest: layer.digest, size: layer.size });
    const containerConfig: ContainerConfig = {
      User: rec.Config.User || undefined, ExposedPorts: rec.Config.ExposedPorts, Env: rec.Config.Env ?? undefined,
      Cmd: rec.Config.Cmd ?? undefined, Entrypoint: rec.Config.Entrypoint ?? undefined, Volumes: rec.Config.Volumes ?? undefined,
      WorkingDir: rec.Config.WorkingDir || undefined, Labels: rec.Config.Labels ?? undefined, StopSignal: rec.Config.StopSignal,
      Healthcheck: rec.Config.Healthcheck, OnBuild: baseConfig.config?.OnBuild, Shell: baseConfig.config?.Shell,
    };
    const merged = applyChanges({ ...containerConfig, ...stripEmpty(o.config ?? {}) }, o.changes ?? []);
    const created = new Date().toISOString();
    const config: ImageConfig = {
      ...baseConfig,
      created,
      author: o.author || undefined,
      config: merged,
      rootfs: { type: 'layers', diff_ids: [...baseConfig.rootfs.diff_ids, layer.diffID] },
      history: [...(baseConfig.history ?? []), { created, created_by: [rec.Path, ...rec.Args].join(' '), ...(o.author ? { author: o.author } : {}), ...(o.comment ? { comment: o.comment } : {}) }],
    };
    const image = await images.putImage(config, [...manifest.layers, { mediaType: layer.mediaType, digest: blob.digest, size: blob.size }], { refs: o.refs });
    return image.id;
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

function stripEmpty(c: ContainerConfig): ContainerConfig {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))) as ContainerConfig;
}
