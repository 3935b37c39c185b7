// Builder benchmark: a multi-stage build with a 2,000-file context and a few RUN steps, cold
// (`--no-cache`, base image already present) and a no-op rebuild (everything cached), in the same run:
// the docker CLI (classic builder protocol) driving Dockwright's engine, the same CLI driving dockerd's
// classic builder, and dockerd's BuildKit. The docker CLI 28 sends DOCKER_BUILDKIT=1 builds only through
// the buildx plugin (not installed here), so BuildKit is driven by Debian's docker.io 20.10 CLI
// (/usr/bin/docker), which speaks BuildKit's session protocol (/session + /grpc) itself. Dockwright
// is also measured the way the extension builds: POST /build with a local-directory context (no tar
// upload). Order rotates run by run. Writes the builder section of docs/benchmarks.md.
//
//   npx tsx bench/build.bench.ts        (or `npm run bench`; BENCH_RUNS=n changes the run count)
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { startDockerd, type TestDockerd } from '../test/harness/dockerd';
import { startEngine, type TestEngine } from '../test/harness/engine';
import { pushBusyboxImage } from '../test/harness/images';
import { startRegistry } from '../test/harness/registry';
import { removeDir, tempDir } from '../test/harness/services';
import { benchRuns, machine, median, writeSection } from './lib';

const RUNS = benchRuns(5);
const FILES = 2000;
const run = promisify(execFile);

type Docker = TestEngine['docker'];

/**
 * Writes back every dirty page (`sync`, untimed) before a build: builders defer writing their files
 * to different degrees (Dockwright's step overlays are volatile; BuildKit and the classic builder
 * sync when they unmount), and a sync inside one builder's build would otherwise write back the
 * files of the build before it.
 */
async function settleDisk(): Promise<void> {
  await run('/bin/sync');
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function makeContext(dir: string, base: string): void {
  for (let i = 0; i < FILES; i++) {
    const sub = path.join(dir, i % 2 ? 'src' : 'deps', `d${i % 40}`);
    fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `f${i}.txt`), `file ${i}\n${'x'.repeat(200 + (i % 1000))}\n`);
  }
  fs.writeFileSync(path.join(dir, 'Dockerfile'), `FROM ${base} AS deps
COPY deps/ /deps/
RUN find /deps -type f | wc -l > /deps.count
FROM ${base} AS build
COPY src/ /src/
RUN cat /src/d1/* | sha256sum > /build.sum
RUN mkdir /out && cp -r /src /out/ && cp /build.sum /out/
FROM ${base}
COPY --from=deps /deps.count /
COPY --from=build /out /app
RUN ls -R /app | wc -l > /app.count
CMD ["cat", "/app.count"]
`);
}

/** Debian's docker.io CLI (20.10): speaks BuildKit natively, unlike the CLI 28 without buildx. */
const BUILDKIT_CLI = '/usr/bin/docker';

async function buildkitCli(): Promise<string> {
  try {
    const { stdout } = await run(BUILDKIT_CLI, ['--version']);
    if (!/version 20\./.test(stdout)) throw new Error(`unexpected version: ${stdout.trim()}`);
    return stdout.trim();
  } catch (e) {
    throw new Error(`BuildKit needs Debian's docker.io CLI at ${BUILDKIT_CLI} (apt-get install -y docker.io): ${(e as Error).message}`);
  }
}

type Contender = 'ours' | 'oursDir' | 'buildkit' | 'classic';
const CONTENDERS: Contender[] = ['ours', 'oursDir', 'buildkit', 'classic'];
const LABELS: Record<Contender, (dockerd: string) => string> = {
  ours: () => 'Dockwright (docker CLI 28, `DOCKER_BUILDKIT=0`: context uploaded as a tar)',
  oursDir: () => 'Dockwright (local-directory context over the API: how the extension builds)',
  buildkit: (v) => `dockerd ${v} BuildKit (docker.io 20.10 CLI, \`DOCKER_BUILDKIT=1\`)`,
  classic: (v) => `dockerd ${v} classic builder (docker CLI 28, \`DOCKER_BUILDKIT=0\`)`,
};

/** POST /build with `dockwright.contextDir` over the engine's unix socket; rejects on a build error. */
function apiBuild(socketPath: string, query: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method: 'POST', path: `/v1.41/build?${new URLSearchParams(query)}` }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => (res.statusCode === 200 && !/"error"/.test(body) && /"aux"/.test(body) ? resolve() : reject(new Error(`build failed (${res.statusCode}): ${body.slice(-2000)}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
type Samples = Record<Contender, number[]>;
const SHORT: Record<Contender, string> = { ours: 'Dockwright through the CLI', oursDir: 'Dockwright local directory', buildkit: 'BuildKit', classic: 'classic builder' };

/**
 * The docker CLI's own share of a classic build: the same `docker build` against a server that only
 * reads the uploaded context and answers at once. No engine can answer the CLI faster than this.
 */
async function cliFloor(ctx: string, cliConfig: string, dir: string): Promise<number[]> {
  const socketPath = path.join(dir, 'floor.sock');
  const server = http.createServer((req, res) => {
    if (req.url?.includes('/_ping')) {
      res.writeHead(200, { 'API-Version': '1.41', 'Content-Type': 'text/plain' });
      res.end('OK');
      return;
    }
    req.resume();
    req.on('end', () => {
      const id = `sha256:${'0'.repeat(64)}`;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(`${JSON.stringify({ aux: { ID: id } })}\n${JSON.stringify({ stream: `${id}\n` })}\n`);
    });
  });
  await new Promise<void>((r) => server.listen(socketPath, () => r()));
  try {
    const env = { ...process.env, DOCKER_HOST: `unix://${socketPath}`, DOCKER_BUILDKIT: '0', DOCKER_CONFIG: cliConfig };
    const out: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const t = await timed(() => run('docker', ['build', '--network=none', '-q', '-t', 'floor:1', ctx], { env, maxBuffer: 64 << 20 }));
      if (i > 0) out.push(t); // the first is a warm-up
    }
    return out;
  } finally {
    server.close();
  }
}

async function main(): Promise<void> {
  const reg = await startRegistry();
  const dockerd: TestDockerd = await startDockerd();
  const engine: TestEngine = await startEngine({ logLevel: 'warn' });
  const ctx = tempDir('bench-build');
  const cliConfig = tempDir('bench-build-cli');
  try {
    await pushBusyboxImage(reg.host, 'busybox', 'latest');
    const base = `${reg.host}/busybox:latest`;
    makeContext(ctx, base);
    await Promise.all([engine.docker(['pull', '-q', base]), dockerd.docker(['pull', '-q', base])]);
    await buildkitCli();
    const classicEnv = { DOCKER_BUILDKIT: '0' };
    const cliBuild = (docker: Docker, args: string[]) =>
      docker(['build', '--network=none', '-q', ...args, ctx], { env: classicEnv, timeoutMs: 600000 });
    const buildkitEnv = { ...process.env, DOCKER_HOST: dockerd.host, DOCKER_BUILDKIT: '1', DOCKER_CONFIG: cliConfig };
    const build: Record<Contender, (args: string[]) => Promise<unknown>> = {
      ours: (args) => cliBuild(engine.docker, args),
      oursDir: (args) => apiBuild(engine.socketPath, {
        'dockwright.contextDir': ctx, networkmode: 'none', q: '1', t: args[args.indexOf('-t') + 1], ...(args.includes('--no-cache') ? { nocache: '1' } : {}),
      }),
      classic: (args) => cliBuild(dockerd.docker, args),
      buildkit: (args) => run(BUILDKIT_CLI, ['build', '--network=none', '-q', ...args, ctx], { env: buildkitEnv, timeout: 600000, maxBuffer: 64 << 20 }),
    };
    // warm-up: every builder has the base unpacked and the context read once
    for (const c of CONTENDERS) await build[c](['-t', `bench-${c.toLowerCase()}:warm`]);
    const r = { cold: { ours: [], oursDir: [], buildkit: [], classic: [] } as Samples, noop: { ours: [], oursDir: [], buildkit: [], classic: [] } as Samples };
    for (let i = 0; i < RUNS; i++) {
      const order = CONTENDERS.map((_, k) => CONTENDERS[(i + k) % CONTENDERS.length]);
      // untimed `sync` before every build: no builder pays for writing back another's files
      for (const c of order) {
        await settleDisk();
        r.cold[c].push(await timed(() => build[c](['--no-cache', '-t', `bench-${c.toLowerCase()}:${i}`])));
      }
      for (const c of order) {
        await settleDisk();
        r.noop[c].push(await timed(() => build[c](['-t', `bench-${c.toLowerCase()}:${i}`])));
      }
      const fmt = (x: Samples) => CONTENDERS.map((c) => `${c} ${x[c].at(-1)!.toFixed(0)}`).join(', ');
      console.log(`run ${i + 1} (${order.join(' → ')}): cold ${fmt(r.cold)} ms; no-op ${fmt(r.noop)} ms`);
    }
    const floor = await cliFloor(ctx, cliConfig, cliConfig);
    console.log(`docker CLI floor: ${floor.map((t) => t.toFixed(0)).join(', ')} ms`);
    writeReport(r, (await dockerd.docker(['version', '--format', '{{.Server.Version}}'])).stdout.trim(), median(floor));
  } finally {
    await engine.stop();
    await dockerd.stop();
    await reg.stop();
    removeDir(ctx);
    removeDir(cliConfig);
  }
}

function writeReport(r: Record<'cold' | 'noop', Samples>, dockerdVersion: string, floor: number): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const med = (c: Contender) => ({ cold: median(r.cold[c]), noop: median(r.noop[c]) });
  const bk = med('buildkit');
  const row = (c: Contender) => {
    const m = med(c);
    return `| ${LABELS[c](dockerdVersion)} | ${s(m.cold)} | ${s(m.noop)} | ${ratio(m.cold, bk.cold)} | ${ratio(m.noop, bk.noop)} |`;
  };
  const verdict = (what: string, got: number, goal: number) =>
    `${what} ${got.toFixed(2)}× (goal ≤ ${goal}×): ${got <= goal ? 'met' : '**not met**'}`;
  const goals = (c: Contender, name: string) => `${name}: ${verdict('cold', med(c).cold / bk.cold, 0.7)}; ${verdict('no-op', med(c).noop / bk.noop, 0.5)}.`;
  writeSection('builder', [
    '## Builder',
    '',
    `\`docker build\` of a 3-stage Dockerfile with a ${FROM_TEXT} (2 COPY of 1,000 files each, 4 RUN steps, COPY --from),`,
    'in the same run: the docker CLI 28 with `DOCKER_BUILDKIT=0` driving Dockwright\'s engine, the same CLI driving',
    `dockerd ${dockerdVersion}'s classic builder, and Debian's docker.io 20.10 CLI with \`DOCKER_BUILDKIT=1\` driving the same`,
    'dockerd\'s BuildKit (the CLI 28 reaches BuildKit only through the buildx plugin, which is not installed here; the 20.10 CLI',
    'speaks BuildKit\'s session protocol itself). Dockwright is also driven the way the extension builds: `POST /build`',
    'with `dockwright.contextDir` (the context read in place, no tar upload; a plain HTTP client, no CLI process).',
    'Base image (busybox from the local registry) already present everywhere, one warm-up build each; an untimed `sync`',
    'before every build, so no builder pays for writing back the files of the build before it.',
    '"cold" is `--no-cache`; "no-op" rebuilds an unchanged context with everything cached',
    '(Dockwright: content-hash keys over the context; the classic builder: config matching; BuildKit: its cache,',
    `with the context synced incrementally over the session). Median of ${RUNS} runs, the order of the four`,
    'rotating run by run; a ratio is the time divided by BuildKit\'s (below 1 = faster than BuildKit).',
    `Measured on ${machine()}.`,
    '',
    '| builder | cold (`--no-cache`) | no-op rebuild | cold vs BuildKit | no-op vs BuildKit |',
    '|---|---|---|---|---|',
    ...CONTENDERS.map(row),
    '',
    `Goals against BuildKit — ${goals('ours', 'through the docker CLI')} ${goals('oursDir', 'Local-directory context')}`,
    '',
    `Spread of the cold runs (fastest–slowest): ${CONTENDERS.map((c) => `${SHORT[c]} ${s(Math.min(...r.cold[c]))}–${s(Math.max(...r.cold[c]))}`).join(', ')}.`,
    'BuildKit and the classic builder sync their writes and suffer most when other programs load the shared disk (a run',
    'where their spread is wide overstates the ratios; the absolute Dockwright times move less).',
    '',
    `The docker CLI alone — the same \`docker build\` against a server that only reads the uploaded context and answers at`,
    `once — takes ${s(floor)} here (${ratio(floor, bk.noop)} of BuildKit's no-op): it tars and sends all ${FILES.toLocaleString('en-US')} files on every build,`,
    'so through the classic protocol no engine can reach the no-op goal; our no-op through the CLI is that floor plus',
    `${s(Math.max(0, med('ours').noop - floor))} (receiving the tar into the kept context directory, hashing it as it streams, the cache lookups).`,
    '',
    'History (#4): 2026-11-28 cold 4.23 s through the CLI, 3.15 s with the local directory; 2026-12-07 before the',
    'second round 0.73 s / 0.62 s (BuildKit 0.74 s).',
    '',
    'Where the time goes (engine debug timings, `--log-level debug`; the critical path of a cold local-directory build of',
    'about 0.4 s): setup (plan and hash of the context, the first mounts) ~15 ms; COPY src/ of 1,000 files ~60 ms (the',
    'other stage\'s COPY runs at the same time in the second worker); RUN cat ~60 ms (mount ~8, `crun run` and the',
    'command ~45); RUN cp -r ~95 ms (the container copying 1,000 files is most of it); COPY --from of',
    '1,000 files as hard links from the kept layer dirs ~40 ms (each step\'s diff is read while the next step runs; under `--no-cache` it starts as soon',
    'as the source stage\'s files are final, while that stage\'s last tar is still written); RUN ls ~70 ms; the image',
    'commit ~9 ms. The RUN steps are about half of it: each is ~20 ms of `crun run` (namespaces, the cgroup v1',
    'hierarchies, pivot_root) plus its command. What the builder',
    'does for that: layers stored uncompressed (gzip once, on push); each step\'s upper dir kept as the layer\'s directory',
    'and stacked by later steps and builds (no unpacking, no mass deletes); COPY hard-links files whose copy would be',
    'identical, and copies trees and writes layer tars in a worker thread (dist/copyWorker.js), so parallel stages and',
    'the tar of one step while the next runs use both cores instead of taking turns on the event loop; mounts, unmounts',
    'and getfattr go through one long-lived shell (no fork of the daemon per step); step overlays are volatile (an unmount',
    'does not sync the whole filesystem: kept layer dirs are synced once when the builder is idle and carry their boot id',
    'until then); cache records are renamed into place without fsync (a lost one is a miss); base snapshots stay',
    'mounted between builds; under `--no-cache` a stage starts together with the stages it depends on. On this machine the',
    'filesystem (ext4 without a journal) makes creating a file cost 0.3–0.8 ms instead of 0.02 ms in block groups where',
    'many files were deleted in the last minutes, and other engineers\' builds and tests share its 2 cores: results swing',
    'with what else the machine does.',
    '',
    'Rerun: `npx tsx bench/build.bench.ts` (or `npm run bench`; `BENCH_RUNS=n` changes the run count).',
  ].filter((l, i, a) => !(l === '' && a[i - 1] === '')));
}

const FROM_TEXT = `${FILES.toLocaleString('en-US')}-file context`;

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
