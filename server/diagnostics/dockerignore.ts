// Finds the ignore file BuildKit would use for a Dockerfile opened from disk: `<Dockerfile>.dockerignore`
// beside it wins over `.dockerignore` in its folder (the folder is taken as the build context).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CacheEntry { file: string; mtimeMs: number; patterns: string[] }
const cache = new Map<string, CacheEntry>();

/** The patterns of the ignore file for a `file:` URI, or undefined (no file, or not on disk). */
export function dockerignoreFor(uri: string): string[] | undefined {
  if (!uri.startsWith('file:')) return undefined;
  let dockerfile: string;
  try {
    dockerfile = fileURLToPath(uri);
  } catch {
    return undefined;
  }
  const dir = path.dirname(dockerfile);
  for (const candidate of [`${dockerfile}.dockerignore`, path.join(dir, '.dockerignore')]) {
    const patterns = readCached(candidate);
    if (patterns) return patterns;
  }
  return undefined;
}

function readCached(file: string): string[] | undefined {
  const stat = statOrUndefined(file);
  if (!stat?.isFile()) {
    cache.delete(file);
    return undefined;
  }
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === stat.mtimeMs) return hit.patterns;
  const patterns = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  cache.set(file, { file, mtimeMs: stat.mtimeMs, patterns });
  return patterns;
}

/** stat without exceptions for the common "no such file" case (cheap on every diagnostics run). */
function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined; // unreadable (EACCES, ...): treat as absent
  }
}
