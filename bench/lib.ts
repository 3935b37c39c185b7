// What every benchmark shares: the median, the machine line and writing its own section of
// docs/benchmarks.md (each bench rewrites only the part between its start/end markers).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..');

/** Runs per measurement (`BENCH_RUNS` overrides the bench's default). */
export function benchRuns(fallback: number): number {
  return Number(process.env.BENCH_RUNS ?? fallback);
}

export function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/** `AMD EPYC (2 cores, shared), Node v20…` (plus any extra facts), dated today. */
export function machine(...extra: string[]): string {
  const cpu = `${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores, shared)`;
  return [cpu, `Node ${process.version}`, ...extra, new Date().toISOString().slice(0, 10)].join(', ');
}

const INTRO = '# Benchmarks\n\nSide-by-side measurements against the tools people use today, produced by `bench/*.bench.ts` in one run each\n(`npm run bench` runs them all and rewrites the sections below). Numbers depend on the machine; the ratios are what matter.\n\n';

/** Replaces (or appends) the `<!-- name:start -->…<!-- name:end -->` section of docs/benchmarks.md. */
export function writeSection(name: string, body: string[]): void {
  const section = [`<!-- ${name}:start -->`, ...body, `<!-- ${name}:end -->`].join('\n');
  const file = path.join(repoRoot, 'docs/benchmarks.md');
  let doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : INTRO;
  const re = new RegExp(`<!-- ${name}:start -->[\\s\\S]*?<!-- ${name}:end -->`);
  doc = re.test(doc) ? doc.replace(re, () => section) : `${doc.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, doc);
  console.log(`wrote the ${name} section of ${path.relative(repoRoot, file)}`);
}
