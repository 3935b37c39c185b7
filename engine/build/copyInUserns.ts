// Rootless builds with subordinate ids: a COPY that must read or give owners of other container
// users (COPY --from keeps the source's owners; ADD keeps those of a local archive) runs as the
// copy worker started as a process inside the containers' user namespace (copyWorker.ts
// `--userns`), where it is root over every mapped id. Other copies stay with the daemon
// (COPY --chown gets its owner afterwards, builder.ts).
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { inUserNamespace, type IdMapping } from '../runtime/executor/idMapping';
import type { CopyResult, UsernsCopyJob } from './copy';

/** `node dist/copyWorker.js` next to the bundled engine; from source (tests under tsx), the TypeScript entry. */
function copyWorkerCommand(): string[] {
  if (!__filename.endsWith('.ts')) return [process.execPath, path.join(__dirname, 'copyWorker.js')];
  const repo = path.resolve(__dirname, '../..');
  return [process.execPath, '--require', path.join(repo, 'node_modules/tsx/dist/cjs/index.cjs'), path.join(repo, 'engine/build/copyWorker.ts')];
}

export function copyInUserns(mapping: IdMapping, job: UsernsCopyJob): Promise<CopyResult> {
  const cmd = inUserNamespace(mapping, [...copyWorkerCommand(), '--userns']);
  return new Promise((resolve, reject) => {
    const child = execFile(cmd[0], cmd.slice(1), { maxBuffer: 1 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) return resolve(JSON.parse(stdout) as CopyResult);
      let message = stderr.trim() || err.message;
      try { message = (JSON.parse(stderr.trim().split('\n').pop() ?? '') as { message: string }).message; } catch { /* not our error line */ }
      reject(new Error(message));
    });
    child.stdin!.end(JSON.stringify(job));
  });
}
