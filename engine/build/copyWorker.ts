/**
 * The copy worker thread (dist/copyWorker.js): runs the daemon's COPY jobs of plain paths
 * (copy.ts, executeCopy) and writes step layer tars (writeLayerInWorker) off its main thread, answering `{ id, result }` or
 * `{ id, error }`.
 */
import { parentPort } from 'node:worker_threads';
import { runCopyJob, runLayerJob, type CopyJob, type LayerJob } from './copy';

parentPort?.on('message', (m: { id: number; job?: CopyJob; layer?: LayerJob }) => {
  (m.layer ? runLayerJob(m.layer) : runCopyJob(m.job!)).then(
    (result) => parentPort!.postMessage({ id: m.id, result }),
    (e: NodeJS.ErrnoException) => parentPort!.postMessage({ id: m.id, error: { message: e?.message ?? String(e), code: e?.code } }),
  );
});
