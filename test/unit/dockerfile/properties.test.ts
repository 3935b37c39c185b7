import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { ScopeModel, expandWord, parseDockerfile } from '../../../engine/dockerfile/index';
import { assertModelInvariants } from './modelInvariants';

const corpus = path.resolve(__dirname, '../../../../shared/corpus');

/** Fragments that exercise every parser path when glued together at random. */
const TOKENS = [
  'FROM ', 'RUN ', 'COPY ', 'ADD ', 'ENV ', 'ARG ', 'LABEL ', 'CMD ', 'HEALTHCHECK ', 'ONBUILD ', 'EXPOSE ', 'SHELL ', 'from ',
  '\n', '\r\n', ' ', '\t', '\\', '\\\n', '`', '`\n', '#', '# escape=`\n', '# syntax=x\n', '<<EOF', '<<-EOF', "<<'EOF'", '\nEOF\n',
  '\tEOF\n', '"', "'", '[', ']', '["a", "b"]', ',', '=', '--mount=type=cache,target=/x', '--from=', '--', 'AS ', 'x', 'a=b', '$',
  '${', '}', ':-', '#', '%', '/', '0', '3<<', '\ufeff', '😀', '\u2028',
];
const dockerish = fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((parts) => parts.join(''));

function corpusFiles(): string[] {
  const index = path.join(corpus, 'INDEX.tsv');
  assert.ok(fs.existsSync(index), `corpus not found at ${corpus}`);
  return fs.readFileSync(index, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => path.join(corpus, l.split('\t')[0]));
}

function check(text: string): void {
  const model = parseDockerfile(text);
  assertModelInvariants(text, model);
  const scopes = new ScopeModel(model);
  for (const inst of model.instructions) scopes.scopeBefore(inst);
}

describe('dockerfile/parser properties (fast-check)', () => {
  it('never throws and keeps ranges valid on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => check(text)), { numRuns: 400 });
  });

  it('never throws and keeps ranges valid on Dockerfile-like token soup', () => {
    fc.assert(fc.property(dockerish, (text) => check(text)), { numRuns: 1500 });
  });

  it('never throws on mutated corpus files', () => {
    const files = corpusFiles().map((f) => fs.readFileSync(f, 'utf8'));
    const mutation = fc.record({
      file: fc.nat({ max: files.length - 1 }),
      at: fc.nat(),
      len: fc.nat({ max: 200 }),
      insert: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 20 })),
      kind: fc.constantFrom('delete', 'insert', 'duplicate', 'replace'),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 5 }), (ms) => {
        let text = files[ms[0].file];
        for (const m of ms) {
          const at = text.length === 0 ? 0 : m.at % text.length;
          if (m.kind === 'delete') text = text.slice(0, at) + text.slice(at + m.len);
          else if (m.kind === 'insert') text = text.slice(0, at) + m.insert + text.slice(at);
          else if (m.kind === 'duplicate') text = text.slice(0, at + m.len) + text.slice(at, at + m.len) + text.slice(at + m.len);
          else text = text.slice(0, at) + m.insert + text.slice(at + m.len);
        }
        check(text);
      }),
      { numRuns: 300 },
    );
  });

  it('expandWord never throws on arbitrary words', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('$', '{', '}', 'a', ':', '-', '+', '?', '#', '%', '/', '*', '\\', "'", '"', '`', ' ', 'é'), { maxLength: 40 }), (parts) => {
        const r = expandWord(parts.join(''), new Map([['a', 'value/with*glob']]));
        assert.ok(r.errors.length <= 1);
      }),
      { numRuns: 2000 },
    );
  });

  describe('time grows linearly with the input', () => {
    const median = (fn: () => void, runs = 5) => {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        fn();
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
    };
    /** Time per call, repeating the call for at least 30 ms; the best of three such blocks. */
    const perCall = (fn: () => void) => {
      let best = Infinity;
      for (let block = 0; block < 3; block++) {
        let calls = 0;
        const t = performance.now();
        while (performance.now() - t < 30) {
          fn();
          calls++;
        }
        best = Math.min(best, (performance.now() - t) / calls);
      }
      return best;
    };
    const assertLinear = (name: string, make: (n: number) => string, n: number, work: (text: string) => unknown = parseDockerfile) => {
      const small = make(n);
      const big = make(2 * n);
      // Loose, as CPU is shared with other jobs: a quadratic step would show as ~4x.
      let ratio = '';
      for (let attempt = 0; attempt < 3; attempt++) {
        const t1 = perCall(() => work(small));
        const t2 = perCall(() => work(big));
        if (t2 < 3 * t1 + 0.2) return;
        ratio = `${t1.toFixed(2)} ms for ${small.length} chars, ${t2.toFixed(2)} ms for twice as much`;
      }
      assert.fail(`${name}: ${ratio}`);
    };

    it('on repeated real multi-stage files (8,000 lines parse in well under a second)', () => {
      const sample = corpusFiles().map((f) => fs.readFileSync(f, 'utf8')).filter((t) => /^FROM/im.test(t)).slice(0, 40).join('\n');
      const lines = (n: number) => {
        const out: string[] = [];
        const src = sample.split('\n');
        while (out.length < n) out.push(...src);
        return out.slice(0, n).join('\n');
      };
      assertLinear('corpus lines', lines, 4000);
      const t = median(() => parseDockerfile(lines(8000)), 3);
      assert.ok(t < 500, `8,000 lines took ${t.toFixed(1)} ms`);
    });

    it('on pathological inputs', () => {
      assertLinear('one long continued instruction', (n) => 'FROM a\nRUN ' + 'x \\\n'.repeat(n) + 'y', 3000);
      assertLinear('many heredocs on one line', (n) => 'FROM a\nRUN ' + '<<A '.repeat(n) + '\n' + 'A\n'.repeat(n), 2000);
      assertLinear('unterminated heredocs', (n) => 'FROM a\nRUN ' + '<<A '.repeat(n) + '\n' + 'x\n'.repeat(n), 2000);
      assertLinear('long ENV without =', (n) => 'FROM a\nARG ' + 'k '.repeat(n) + '\nENV a=1 ' + 'b '.repeat(n), 3000);
      assertLinear('long JSON array', (n) => 'FROM a\nCMD [' + Array(n).fill('"x"').join(',') + ']', 3000);
      assertLinear('escapes and quotes', (n) => 'FROM a\nLABEL ' + '"\\"\'\\'.repeat(n), 5000);
      assertLinear('many comments', (n) => '# c\n'.repeat(n) + 'FROM a', 5000);
      assertLinear('many flags', (n) => 'FROM a\nRUN ' + '--mount=type=bind,a=b,c '.repeat(n) + 'x', 2000);
    });

    it('for the scope model of a stage with thousands of ENV and ARG lines', () => {
      const scopes = (text: string) => {
        const model = parseDockerfile(text);
        const s = new ScopeModel(model);
        for (const inst of model.instructions) s.scopeBefore(inst).env.get('V1');
      };
      const make = (n: number) => 'FROM scratch\n' + Array.from({ length: n }, (_, i) => (i % 2 ? `ENV V${i}=$V1` : `ARG A${i}=x`)).join('\n');
      assertLinear('ENV/ARG scopes', make, 1500, scopes);
    });
  });
});
