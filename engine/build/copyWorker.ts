/**
 * The copy worker thread (dist/copyWorker.js): runs the daemon's COPY jobs of plain paths
 * (copy.ts, executeCopy) off its main thread, one job at a time, answering `{ id, result }` or
 * `{ id, error }`.
 */
import { parentPort } from 'node:worker_threads';
import { runCopyJob, type CopyJob } from './copy';

parentPort?.on('message', (m: { id: number; job: CopyJob }) => {
  runCopyJob(m.job).then(
    (result) => parentPort!.postMessage({ id: m.id, result }),
    (e: NodeJS.ErrnoException) => parentPort!.postMessage({ id: m.id, error: { message: e?.message ?? String(e), code: e?.code } }),
  );
});
