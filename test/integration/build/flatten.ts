// Flattened views of an image for differential build tests: every path with type, mode, uid, gid,
// size, link target and content hash, plus the config fields `docker build` sets.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { applyLayer } from '../../../engine/image/layer';
import { openImageStore } from '../../../engine/image';

export interface FsNode { type: string; mode: string; uid: number; gid: number; size: number; link?: string; sha256?: string }
export type FsView = Record<string, FsNode>;

export function snapshotDir(dir: string): FsView {
  const out: FsView = {};
  const walk = (rel: string) => {
    for (const n of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${n}` : n;
      const p = path.join(dir, r);
      const st = fs.lstatSync(p);
      const type = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : st.isFile() ? 'file' : st.isCharacterDevice() ? 'char' : 'other';
      const node: FsNode = { type, mode: (st.mode & 0o7777).toString(8), uid: st.uid, gid: st.gid, size: type === 'file' ? st.size : 0 };
      if (type === 'symlink') node.link = fs.readlinkSync(p);
      if (type === 'file') node.sha256 = createHash('sha256').update(fs.readFileSync(p)).digest('hex');
      out[`/${r}`] = node;
      if (type === 'dir') walk(r);
    }
  };
  walk('');
  return out;
}

/** Flattens the image `docker save` wrote (a tar on disk) into `into`. */
export async function flattenSavedImage(saveTar: string, into: string): Promise<void> {
  const unpacked = `${into}.save`;
  fs.mkdirSync(unpacked, { recursive: true });
  fs.mkdirSync(into, { recursive: true });
  try {
    await applyLayer(fs.createReadStream(saveTar), unpacked, { whiteouts: 'literal' });
    const manifest = JSON.parse(fs.readFileSync(path.join(unpacked, 'manifest.json'), 'utf8')) as { Layers: string[] }[];
    for (const l of manifest[0].Layers) await applyLayer(fs.createReadStream(path.join(unpacked, l)), into);
  } finally {
    fs.rmSync(unpacked, { recursive: true, force: true });
  }
}

/**
 * Flattens an image of a Dockwright data root into `into`. (Read from the store directly: the
 * engine's `docker save` route belongs to the image-store work and is not what is compared here.)
 */
export async function flattenStoreImage(dataRoot: string, ref: string, into: string): Promise<void> {
  const images = openImageStore(dataRoot);
  const rec = await images.resolve(ref);
  const { manifest } = await images.manifest(rec);
  fs.mkdirSync(into, { recursive: true });
  for (const l of manifest.layers) await applyLayer(await images.content.openLayer(l.digest) as Readable, into);
}

export const CONFIG_FIELDS = ['Env', 'Cmd', 'Entrypoint', 'WorkingDir', 'User', 'ExposedPorts', 'Volumes', 'Labels', 'StopSignal', 'Healthcheck', 'OnBuild', 'Shell'] as const;

/** The compared config fields; empty values (null, [], {}, '') normalised to absent. */
export function configView(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of CONFIG_FIELDS) {
    const v = config[f];
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0)) continue;
    out[f] = v;
  }
  return out;
}

/** A readable list of differences between two views (for assertion messages). */
export function diffViews(ours: FsView, theirs: FsView): string[] {
  const lines: string[] = [];
  for (const k of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
    const a = JSON.stringify(ours[k]);
    const b = JSON.stringify(theirs[k]);
    if (a !== b) lines.push(`${k}\n    dockwright: ${a}\n    dockerd:    ${b}`);
  }
  return lines;
}
