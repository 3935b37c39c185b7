// Rootless builds with subordinate ids: a COPY that must read or give owners of other container
// users (COPY --from keeps the source's owners; ADD keeps those of a local archive) runs as the
// copy worker started as a process inside the containers' user namespace (copyWorker.ts
// `--userns`), where it is root over every mapped id. Other copies stay with the daemon
// (COPY --chown gets its owner afterwards, builder.ts).
import { execFile } from 'node:child_process';
import { inUserNamespace, type IdMapping } from '../runtime/executor/idMapping';
import { nodeEntryCommand } from '../runtime/nodeEntry';
import type { CopyResult, UsernsCopyJob } from './copy';

export function copyInUserns(mapping: IdMapping, job: UsernsCopyJob): Promise<CopyResult> {
  const cmd = inUserNamespace(mapping, [...nodeEntryCommand('copyWorker.js', 'engine/build/copyWorker.ts'), '--userns']);
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
