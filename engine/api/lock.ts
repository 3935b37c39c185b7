// One daemon per data root: `engine.pid` is created atomically (written to a temp file, then
// hard-linked into place, which fails if it exists). A lock whose pid is no longer alive is stale
// and is taken over.
import * as fs from 'node:fs';
import * as path from 'node:path';

export class DataRootLockedError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws DataRootLockedError naming the running daemon. Returns the release function. */
export function lockDataRoot(dataRoot: string): () => void {
  const lockPath = path.join(dataRoot, 'engine.pid');
  const tmp = path.join(dataRoot, `.engine.pid.${process.pid}`);
  fs.writeFileSync(tmp, `${process.pid}\n`, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.linkSync(tmp, lockPath);
        return () => {
          try {
            if (fs.readFileSync(lockPath, 'utf8').trim() === String(process.pid)) fs.unlinkSync(lockPath);
          } catch { /* already gone */ }
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const pid = Number.parseInt(fs.readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new DataRootLockedError(`another dockwright engine (pid ${pid}) is already running with data root ${dataRoot} (lock file ${lockPath})`);
      }
      fs.rmSync(lockPath, { force: true }); // stale: its process is gone
    }
    throw new DataRootLockedError(`could not take the lock ${lockPath}`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
