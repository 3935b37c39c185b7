// Locks for the image store's metadata (references, image records, GC).
// Inside one process an async mutex serializes callers (proper-lockfile is not re-entrant); across
// processes proper-lockfile holds `<file>.lock`. We use the library rather than O_EXCL files because
// it already handles the hard part correctly: an atomic mkdir lock, stale detection by a refreshed
// mtime (a crashed holder's lock expires after `stale` ms without pid guessing, which is wrong across
// pid namespaces), and "compromised" detection if a lock is taken over while held.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';

const queues = new Map<string, Promise<unknown>>();

/** Runs `fn` while holding the lock named by `file` (the file itself need not exist). */
export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const key = path.resolve(file);
  const prev = queues.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => { release = r; });
  const chained = prev.then(() => mine);
  queues.set(key, chained);
  await prev;
  try {
    fs.mkdirSync(path.dirname(key), { recursive: true });
    const unlock = await lockfile.lock(key, {
      realpath: false,
      stale: 30_000,
      update: 5_000,
      // the default throws from a timer (crashing the daemon) if our lock was taken over after
      // the event loop stalled past `stale`; every write here is an atomic rename, so the worst
      // outcome is one lost metadata update, not a corrupt store
      onCompromised: () => {},
      retries: { retries: 200, factor: 1.2, minTimeout: 10, maxTimeout: 200 },
    });
    try {
      return await fn();
    } finally {
      await unlock().catch(() => { /* already released (compromised); nothing to undo */ });
    }
  } finally {
    release();
    if (queues.get(key) === chained) queues.delete(key);
  }
}

/** Writes `data` to `file` atomically: temp file in the same dir, fsync, rename, fsync the dir. */
export async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  const dir = path.dirname(file);
  await fs.promises.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  const fh = await fs.promises.open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dir);
}

export async function fsyncDir(dir: string): Promise<void> {
  const dh = await fs.promises.open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}
