/**
 * The copy worker thread (dist/copyWorker.js): runs the daemon's COPY jobs of plain paths
 * (copy.ts, executeCopy) and writes step layer tars (writeLayerInWorker) off its main thread, answering `{ id, result }` or
 * `{ id, error }`. Run as a process with `--userns` (inside the rootless containers' user
 * namespace, copyInUserns.ts) it reads one UsernsCopyJob as JSON on stdin and answers its result
 * as JSON on stdout, or an error line `{"message"}` on stderr and exit code 1.
 */
import { parentPort } from 'node:worker_threads';
import { runCopyJob, runLayerJob, runUsernsCopyJob, type CopyJob, type LayerJob, type UsernsCopyJob } from './copy';

if (process.argv.includes('--userns')) {
  void (async () => {
    let text = '';
    for await (const c of process.stdin) text += (c as Buffer).toString('utf8');
    process.stdout.write(`${JSON.stringify(await runUsernsCopyJob(JSON.parse(text) as UsernsCopyJob))}\n`);
  })().catch((e: Error) => {
    process.stderr.write(`${JSON.stringify({ message: e.message })}\n`);
    process.exit(1);
  });
}

parentPort?.on('message', (m: { id: number; job?: CopyJob; layer?: LayerJob }) => {
  (m.layer ? runLayerJob(m.layer) : runCopyJob(m.job!)).then(
    (result) => parentPort!.postMessage({ id: m.id, result }),
    (e: NodeJS.ErrnoException) => parentPort!.postMessage({ id: m.id, error: { message: e?.message ?? String(e), code: e?.code } }),
  );
});
