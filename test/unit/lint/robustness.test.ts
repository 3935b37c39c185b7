// Property-based: on arbitrary Dockerfile-like text and on mutated real Dockerfiles, lint never throws,
// every range (and every fix's edit range) lies inside the document, and time grows linearly.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { parseDockerfile, type Range } from '../../../engine/dockerfile';
import { lint, rules, type LintOptions } from '../../../engine/dockerfile/lint';

const corpus = path.resolve(__dirname, '../../../../shared/corpus');

/** Every rule on, including the off-by-default ones, plus a .dockerignore. */
const everything: LintOptions = {
  severities: Object.fromEntries(rules.map((r) => [r.code, 'information' as const])),
  dockerignore: ['*.log', '!keep.log', 'node_modules', '**/secret*'],
  buildArgs: { VERSION: '1' },
};

function checkRanges(text: string): void {
  const lines = text.split('\n');
  const inside = (r: Range) => {
    const ok = (p: Range['start']) => p.line >= 0 && p.character >= 0 && (p.line < lines.length || (p.line === lines.length && p.character === 0));
    return ok(r.start) && ok(r.end) && (r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character));
  };
  for (const p of lint(parseDockerfile(text), everything)) {
    assert.ok(inside(p.range), `${p.code} range ${JSON.stringify(p.range)} outside the document`);
    for (const fix of p.fixes) for (const e of fix.edits) assert.ok(inside(e.range), `${p.code} fix "${fix.title}" edits outside the document`);
  }
}

const token = fc.constantFrom(
  'FROM', 'from', 'RUN', 'COPY', 'ADD', 'ENV', 'ARG', 'LABEL', 'EXPOSE', 'HEALTHCHECK', 'ONBUILD', 'SHELL', 'CMD', 'WORKDIR', 'USER',
  'STOPSIGNAL', 'VOLUME', 'MAINTAINER', 'AS', 'as', 'alpine', 'alpine:3', '$A', '${A:-x}', '${A', '${A:x}', '"', "'", '\\', '`', '[', ']',
  '"a"', ',', '--from=', '--mount=type=cache,target=/c', '--mount=', '--chown=1', '--platform=linux/amd64', '--interval=5s', 'CMD', 'NONE',
  '<<EOF', 'EOF', '<<-"X"', '#', '# check=skip=all', '# escape=`', '# syntax=docker/dockerfile:1', '80/tcp', '1:2:3', '=', 'a=b', ' ', '\t',
  '\n', '\r\n', '\\\n', 'apt-get install', '|', '&&', 'cd /x', 'sudo', 'pip install', 'apk add', 'é', '😀',
);
const dockerfileish = fc.array(token, { maxLength: 120 }).map((parts) => parts.join(' '));

function corpusSample(): string[] {
  const index = path.join(corpus, 'INDEX.tsv');
  if (!fs.existsSync(index)) throw new Error(`Dockerfile corpus not found at ${corpus}`);
  const files = fs.readFileSync(index, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[0]);
  return files.filter((_, i) => i % 9 === 0).map((rel) => fs.readFileSync(path.join(corpus, rel), 'utf8'));
}

describe('lint: robustness', function () {
  this.timeout(120_000);

  it('never throws and keeps ranges inside the document on arbitrary text', () => {
    fc.assert(fc.property(dockerfileish, (text) => checkRanges(text)), { numRuns: 400 });
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => checkRanges(text)), { numRuns: 200 });
  });

  it('never throws on mutated real Dockerfiles', () => {
    const samples = corpusSample();
    assert.ok(samples.length > 30);
    const mutation = fc.record({
      file: fc.nat({ max: samples.length - 1 }),
      at: fc.nat(),
      remove: fc.nat({ max: 40 }),
      insert: fc.oneof(dockerfileish, fc.string({ maxLength: 20 })),
    });
    fc.assert(fc.property(mutation, ({ file, at, remove, insert }) => {
      const text = samples[file];
      const i = at % (text.length + 1);
      checkRanges(text.slice(0, i) + insert + text.slice(i + remove));
    }), { numRuns: 300 });
  });

  it('takes time linear in the input', () => {
    const unit = 'FROM alpine:3 AS s\nARG V=1\nENV A=$V B=${V:-2}\nRUN --mount=type=cache,target=/c apt-get install -y x | tee y\nCOPY --from=s a b /c/\nEXPOSE 80/TCP\nLABEL a b\n';
    // The fastest of several runs: robust against other processes on a shared machine.
    const time = (copies: number) => {
      const text = unit.repeat(copies);
      let best = Infinity;
      for (let k = 0; k < 7; k++) {
        const start = performance.now();
        lint(parseDockerfile(text), everything);
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    const small = time(50);
    const big = time(500); // quadratic work would take ~100x
    assert.ok(big < small * 40, `10x the input took ${(big / small).toFixed(1)}x the time (${small.toFixed(1)} ms → ${big.toFixed(1)} ms)`);
  });
});
