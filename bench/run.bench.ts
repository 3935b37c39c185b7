// Container start-to-exit latency: `docker run --rm IMAGE echo hi`, the same docker CLI driving
// Dockwright's engine and dockerd in the same run (alternating), plus the raw OCI runtime
// (`crun run` / `runc run` on a prepared bundle) as the physical floor. Writes the containers
// section of docs/benchmarks.md.
//
//   npx tsx bench/run.bench.ts        (or `npm run bench`; BENCH_RUNS=n changes the run count)
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { startDockerd, type TestDockerd } from '../test/harness/dockerd';
import { startEngine, type TestEngine } from '../test/harness/engine';
import { makeBusyboxRootfs, pushBusyboxImage } from '../test/harness/images';
import { startRegistry } from '../test/harness/registry';
import { removeDir, tempDir } from '../test/harness/services';
import { generateOciSpec } from '../engine/runtime/executor/ociSpec';

const root = path.resolve(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const run = promisify(execFile);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** `<runtime> run` of `echo hi` on a prepared bundle; undefined (with the reason) when the runtime cannot run here. */
async function rawRuntime(runtime: string, bundle: string): Promise<{ ms?: number; reason?: string }> {
  const state = path.join(bundle, `state-${runtime}`);
  const once = async (i: number) => {
    const { stdout } = await run(runtime, ['--root', state, 'run', '--bundle', bundle, `bench-${runtime}-${i}`]);
    if (stdout !== 'hi\n') throw new Error(`unexpected output ${JSON.stringify(stdout)}`);
  };
  try {
    await once(-1);
  } catch (e) {
    return { reason: ((e as { stderr?: string }).stderr || (e as Error).message).trim().split('\n').pop() };
  }
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await timed(() => once(i)));
  return { ms: median(times) };
}

/** Median ms of each step the engine logs at debug level (`create <id>: <step> <n> ms`, `exit <id>: seen <n> ms …`). */
function stepMedians(log: string): [string, number][] {
  const byStep = new Map<string, number[]>();
  for (const m of log.matchAll(/msg="(create|start|exit|remove) [0-9a-f]{12}: (.+?) (-?[\d.]+) ms([^"]*)"/g)) {
    const step = m[1] === 'exit' ? 'exit: status at the daemon after `runc run` exited' : `${m[1]}: ${m[2]}`;
    const list = byStep.get(step) ?? [];
    list.push(Number(m[3]));
    byStep.set(step, list);
  }
  return [...byStep].map(([step, xs]) => [step, median(xs)]);
}

function writeSection(rows: string[], notes: string[]): void {
  const section = [
    '<!-- containers:start -->',
    '## Containers: `docker run --rm IMAGE echo hi`',
    '',
    'Start-to-exit latency of `docker run --rm busybox echo hi` (create, attach, wait, start, output, exit, auto-remove), the',
    `same docker CLI driving Dockwright's engine (as root: runc through the per-container monitor, overlayfs snapshot) and dockerd in`,
    `the same run, alternating which goes first, image already present on both (pulled from a local registry); plus the raw OCI`,
    'runtime on a prepared bundle (`<runtime> run`, no CLI, no daemon) as the floor. Median of ' + `${RUNS} runs after one warm-up; "ratio" is our time divided by dockerd's (the issue's goal is ≤ 0.2×).`,
    `Measured on ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores, shared), Node ${process.version}, kernel ${os.release()}, cgroups v1 (hybrid), ${new Date().toISOString().slice(0, 10)}.`,
    '',
    '| measurement | time | ratio to dockerd |',
    '|---|---|---|',
    ...rows,
    '',
    ...notes,
    '',
    'Rerun: `npx tsx bench/run.bench.ts` (or `npm run bench`; `BENCH_RUNS=n` changes the run count).',
    '<!-- containers:end -->',
  ].join('\n');
  const file = path.join(root, 'docs/benchmarks.md');
  let doc = fs.readFileSync(file, 'utf8');
  const re = /<!-- containers:start -->[\s\S]*?<!-- containers:end -->/;
  doc = re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, doc);
}

async function main(): Promise<void> {
  const work = tempDir('run-bench');
  const registry = await startRegistry();
  let engine: TestEngine | undefined;
  let dockerd: TestDockerd | undefined;
  try {
    await pushBusyboxImage(registry.host, 'busybox', 'latest');
    const image = `${registry.host}/busybox:latest`;
    engine = await startEngine({ runtime: 'auto' });
    dockerd = await startDockerd();
    await engine.docker(['pull', '-q', image]);
    await dockerd.docker(['pull', '-q', image]);
    const clients = { dockwright: engine.docker, dockerd: dockerd.docker };
    // dockerd runs without a bridge here (harness: --bridge=none), so both use --network none
    const args = ['run', '--rm', '--network', 'none', image, 'echo', 'hi'];
    const times: Record<keyof typeof clients, number[]> = { dockwright: [], dockerd: [] };
    for (const name of Object.keys(clients) as (keyof typeof clients)[]) {
      const { stdout } = await clients[name](args);
      if (stdout !== 'hi\n') throw new Error(`${name}: unexpected output ${JSON.stringify(stdout)}`);
    }
    for (let i = 0; i < RUNS; i++) {
      const order = (i % 2 ? ['dockerd', 'dockwright'] : ['dockwright', 'dockerd']) as (keyof typeof clients)[];
      for (const name of order) times[name].push(await timed(() => clients[name](args)));
    }
    const bundle = path.join(work, 'bundle');
    fs.mkdirSync(path.join(bundle, 'rootfs'), { recursive: true });
    makeBusyboxRootfs(path.join(bundle, 'rootfs'));
    const spec = generateOciSpec({ rootfs: path.join(bundle, 'rootfs'), args: ['echo', 'hi'], env: ['PATH=/bin'], cwd: '/', user: { uid: 0, gid: 0 }, network: 'none' });
    fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));
    const crun = await rawRuntime('crun', bundle);
    const runc = await rawRuntime('runc', bundle);

    const steps = stepMedians(engine.logs());
    const ours = median(times.dockwright);
    const theirs = median(times.dockerd);
    const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
    const rows = [
      `| Dockwright engine (runc) | ${fmt(ours)} | ${(ours / theirs).toFixed(2)}× |`,
      `| dockerd ${(await dockerd.docker(['version', '--format', '{{.Server.Version}}'])).stdout.trim()} | ${fmt(theirs)} | 1.00× |`,
      `| raw \`runc run\` (floor) | ${runc.ms !== undefined ? fmt(runc.ms) : `n/a: ${runc.reason}`} | ${runc.ms !== undefined ? `${(runc.ms / theirs).toFixed(2)}×` : ''} |`,
      `| raw \`crun run\` (floor) | ${crun.ms !== undefined ? fmt(crun.ms) : `n/a — ${crun.reason}`} | ${crun.ms !== undefined ? `${(crun.ms / theirs).toFixed(2)}×` : ''} |`,
    ];
    const met = ours / theirs <= 0.2;
    const notes = [
      `The goal of ≤ 0.2× dockerd is **${met ? 'met' : 'not met'}** (${(ours / theirs).toFixed(2)}×).`,
      '',
      'Where our time goes (the engine\'s own debug timings, `--log-level debug`, median per step over the same runs):',
      '',
      '| step | median |',
      '|---|---|',
      ...steps.map(([step, ms]) => `| ${step} | ${ms.toFixed(1)} ms |`),
      `| the rest: the docker CLI (startup, five round trips) and HTTP | ${(ours - steps.filter(([st]) => !st.includes('after the answer')).reduce((a, [, ms]) => a + ms, 0)).toFixed(1)} ms |`,
      '',
      'The per-container monitor is a Node process; a spare one is started ahead of time, so node\'s startup (60–150 ms on this',
      'machine) is not on the path (it is when containers start faster than one spare can start). "start: process started" is',
      '`runc run` itself: for a program as short as `echo` it lasts until `runc run` has torn down the container\'s cgroups and',
      'state and exited, since the exit status is only known then. `--rm` is answered as soon as the record is gone; the unmount',
      'and deletion of the snapshot follow. "The rest" (our total minus the steps on the path, medians so only roughly) is mostly',
      'the docker CLI, which dockerd pays as well: with the raw runtime alone at 0.1–0.15× of dockerd, ≤ 0.2× leaves about 10–25 ms',
      'for the CLI and everything the engine does, about what "the rest" alone takes, so the goal looks out of reach with runc here.',
      'crun would be the faster floor, but crun 1.8 refuses this host (hybrid cgroups with controllers on the v2 mount), so the engine picks runc here.',
    ];
    writeSection(rows, notes);
    console.log(rows.join('\n'));
  } finally {
    if (engine) {
      const { stdout } = await engine.docker(['ps', '-aq']).catch(() => ({ stdout: '' }));
      for (const id of stdout.split('\n').filter(Boolean)) await engine.docker(['rm', '-f', id]).catch(() => undefined);
      await engine.stop();
    }
    if (dockerd) await dockerd.stop();
    await registry.stop();
    removeDir(work);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
