// Registry benchmark: `docker pull` and `docker push` of a ~200 MB image with several layers to and
// from a local docker-registry, the docker CLI driving Dockwright's engine vs the same CLI driving
// dockerd (Debian's docker.io), in the same run. Writes the table into the registry section of
// docs/benchmarks.md.
//
//   npx tsx bench/registry.bench.ts        (or `npm run bench`; BENCH_RUNS=n changes the run count)
import { performance } from 'node:perf_hooks';
import { randomLayer } from '../test/harness/images';
import { startDockerd, type TestDockerd } from '../test/harness/dockerd';
import { startEngine, type TestEngine } from '../test/harness/engine';
import { pushBusyboxImage } from '../test/harness/images';
import { startRegistry, type TestRegistry } from '../test/harness/registry';
import { benchRuns, machine, median, writeSection } from './lib';

const RUNS = benchRuns(5);
const LAYERS = 6;
const LAYER_MB = 33;

type Docker = TestEngine['docker'];

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Pushes `local` to a fresh, empty registry (so every layer is really uploaded) and times it. */
async function timePush(docker: Docker, local: string): Promise<number> {
  const reg = await startRegistry();
  try {
    const target = `${reg.host}/bench/pushed:v1`;
    await docker(['tag', local, target]);
    const ms = await timed(() => docker(['push', target], { timeoutMs: 600000 }));
    await docker(['rmi', target]);
    return ms;
  } finally {
    await reg.stop();
  }
}

async function main(): Promise<void> {
  const src = await startRegistry();
  const dockerd: TestDockerd = await startDockerd();
  const engines: TestEngine[] = [];
  try {
    console.log(`building a ${LAYERS}×${LAYER_MB} MB image…`);
    const layers = [];
    for (let i = 0; i < LAYERS; i++) layers.push(await randomLayer(`data/layer${i}.bin`, LAYER_MB << 20));
    await pushBusyboxImage(src.host, 'bench/app', 'v1', { extraLayers: layers });
    layers.length = 0;
    const image = `${src.host}/bench/app:v1`;
    const size = await imageBytes(src, 'bench/app', 'v1');

    const pulls = { ours: [] as number[], dockerd: [] as number[] };
    const pushes = { ours: [] as number[], dockerd: [] as number[] };
    for (let run = 0; run < RUNS; run++) {
      // a fresh engine each run: nothing cached in its content store
      const engine = await startEngine({ logLevel: 'warn' });
      engines.push(engine);
      // alternate who goes first so that drift in the machine's load does not favour one side
      const order = run % 2 === 0 ? (['ours', 'dockerd'] as const) : (['dockerd', 'ours'] as const);
      const cli = { ours: engine.docker, dockerd: dockerd.docker };
      for (const who of order) pulls[who].push(await timed(() => cli[who](['pull', image], { timeoutMs: 600000 })));
      for (const who of order) pushes[who].push(await timePush(cli[who], image));
      await dockerd.docker(['rmi', image]);
      await engine.stop();
      engines.pop();
      console.log(`run ${run + 1}: pull ${pulls.ours.at(-1)!.toFixed(0)} vs ${pulls.dockerd.at(-1)!.toFixed(0)} ms, push ${pushes.ours.at(-1)!.toFixed(0)} vs ${pushes.dockerd.at(-1)!.toFixed(0)} ms`);
    }
    writeReport(size, { pull: pulls, push: pushes }, (await dockerd.docker(['version', '--format', '{{.Server.Version}}'])).stdout.trim());
  } finally {
    for (const e of engines) await e.stop();
    await dockerd.stop();
    await src.stop();
  }
}

/** Compressed size of an image in the registry (manifest + config + layers). */
async function imageBytes(reg: TestRegistry, repo: string, tag: string): Promise<number> {
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${tag}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
  const m = await res.json() as { config: { size: number }; layers: Array<{ size: number }> };
  return m.config.size + m.layers.reduce((a, l) => a + l.size, 0);
}

function writeReport(bytes: number, r: Record<'pull' | 'push', { ours: number[]; dockerd: number[] }>, dockerdVersion: string): void {
  const mb = bytes / (1 << 20);
  const row = (what: string, x: { ours: number[]; dockerd: number[] }) => {
    const [a, b] = [median(x.ours), median(x.dockerd)];
    return `| ${what} | ${(a / 1000).toFixed(2)} s (${(mb / (a / 1000)).toFixed(0)} MiB/s) | ${(b / 1000).toFixed(2)} s (${(mb / (b / 1000)).toFixed(0)} MiB/s) | ${(b / a).toFixed(2)}x |`;
  };
  writeSection('registry', [
    '## Registry: pull and push',
    '',
    `The docker CLI (${'`docker pull`'} / ${'`docker push`'}) driving Dockwright's engine vs the same CLI driving dockerd ${dockerdVersion}`,
    `(Debian's docker.io), in the same run, against Debian's docker-registry on loopback. The image is busybox plus ${LAYERS}`,
    `layers of ${LAYER_MB} MB of random (incompressible) data: ${mb.toFixed(0)} MiB compressed in ${LAYERS + 1} layers.`,
    'Each pull starts with nothing cached (a fresh engine data root; `docker rmi` on dockerd); each push goes to a fresh,',
    'empty registry, so every layer is uploaded. dockerd also unpacks layers during pull and re-compresses them on push;',
    'Dockwright verifies each blob (digest, size, diffID) while it streams and keeps the compressed blobs, unpacking',
    `only when a container needs the layers. Median of ${RUNS} runs (alternating which engine goes first); "ratio" is dockerd's time divided by ours (above 1 = we are faster).`,
    `Measured on ${machine()}.`,
    '',
    `| operation | Dockwright | dockerd ${dockerdVersion} | ratio |`,
    '|---|---|---|---|',
    row(`pull ${mb.toFixed(0)} MiB, ${LAYERS + 1} layers`, r.pull),
    row(`push ${mb.toFixed(0)} MiB, ${LAYERS + 1} layers`, r.push),
    '',
    'Rerun: `npx tsx bench/registry.bench.ts` (or `npm run bench`; `BENCH_RUNS=n` changes the run count).',
  ]);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
