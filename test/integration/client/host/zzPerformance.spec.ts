// Refresh cost with a big engine: 500 image tags and 500 containers refresh in under 200 ms, and
// the /events flood while populating them causes at most one refresh per debounce window.
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { dockwright, engineAt, env } from './hostUtil';

async function tinyRootfs(i: number): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: 'id.txt', mode: 0o644 }, `image ${i}\n`);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

describe('performance with 500 images and 500 containers', function () {
  this.timeout(300000);
  const docker = engineAt(env('DW_IT_DOCKERD_HOST'));

  it('populating the engine does not cause a refresh storm, and a full refresh takes < 200 ms', async () => {
    const api = await dockwright();
    let refreshes = 0;
    const subs = [api.trees.images.onDidChangeTreeData(() => refreshes++), api.trees.containers.onDidChangeTreeData(() => refreshes++)];
    const started = Date.now();
    const ids = Array.from({ length: 50 }, (_, i) => i);
    await inBatches(ids, 10, async (i) => {
      const stream = await (docker.importImage(Readable.from(await tinyRootfs(i)) as any, { repo: `perf/img${i}`, tag: 't0' } as any) as unknown as Promise<NodeJS.ReadableStream>);
      await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
      for (let t = 1; t < 10; t++) await docker.getImage(`perf/img${i}:t0`).tag({ repo: `perf/img${i}`, tag: `t${t}` });
    });
    await inBatches(Array.from({ length: 500 }, (_, i) => i), 20, (i) => docker.createContainer({ Image: `perf/img${i % 50}:t0`, name: `perf-${i}`, Cmd: ['/id.txt'] }));
    await new Promise((r) => setTimeout(r, 1000)); // let the last debounced refresh happen
    const elapsed = Date.now() - started;
    subs.forEach((s: { dispose(): void }) => s.dispose());
    // One refresh per tree per 300 ms window at most (plus the trailing one); the flood was ~1000 events.
    assert.ok(refreshes <= 2 * (Math.ceil(elapsed / 300) + 1), `${refreshes} refreshes in ${elapsed} ms`);

    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const t0 = performance.now();
      const [images, containers] = await Promise.all([api.trees.images.refresh(), api.trees.containers.refresh()]);
      times.push(performance.now() - t0);
      assert.equal(images.filter((g: any) => String(g.label).startsWith('perf/')).flatMap((g: any) => g.children).length, 500);
      assert.equal(containers.filter((n: any) => n.data.name.startsWith('perf-')).length, 500);
    }
    const median = times.sort((a, b) => a - b)[2];
    console.log(`refresh of 500 images + 500 containers: median ${median.toFixed(1)} ms (runs: ${times.map((t) => t.toFixed(0)).join(', ')}); ${refreshes} event-driven refreshes in ${elapsed} ms`);
    assert.ok(median < 200, `median refresh ${median.toFixed(1)} ms`);
  });
});
