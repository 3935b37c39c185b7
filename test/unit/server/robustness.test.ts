// Every feature on every corpus Dockerfile (document features on the whole file; position features
// on sampled positions of every line: its start, its first word, after each `$ - = , {` and its
// end) and on arbitrary text never throws; formatting the corpus is idempotent and keeps every
// instruction, and the big-file features stay linear.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { parseDockerfile, type DockerfileModel, type Position } from '../../../engine/dockerfile';
import { completion } from '../../../server/features/completion';
import { definition } from '../../../server/features/definition';
import { documentHighlight } from '../../../server/features/documentHighlight';
import { documentLinks } from '../../../server/features/documentLinks';
import { documentSymbols } from '../../../server/features/documentSymbols';
import { foldingRanges } from '../../../server/features/foldingRanges';
import { formatDocument, formatOnType, formatRange } from '../../../server/features/formatting';
import { hover } from '../../../server/features/hover';
import { references } from '../../../server/features/references';
import { prepareRename, rename } from '../../../server/features/rename';
import { semanticTokens } from '../../../server/features/semanticTokens';
import { signatureHelp } from '../../../server/features/signatureHelp';
import { applyEdits } from './helpers';

const corpus = path.resolve(__dirname, '../../../../shared/corpus');
const uri = 'file:///Dockerfile';
const options = { tabSize: 4, insertSpaces: true };
const format = { keepMultilineIndentation: false };

function documentFeatures(model: DockerfileModel): void {
  documentSymbols(model);
  foldingRanges(model);
  documentLinks(model);
  semanticTokens(model);
  formatDocument(model, options, format);
  formatDocument(model, options, { keepMultilineIndentation: true });
  formatRange(model, { start: { line: 1, character: 0 }, end: { line: 5, character: 0 } }, options, format);
}

function positionFeatures(model: DockerfileModel, position: Position): void {
  completion(model, position, { snippets: true, images: ['alpine:3'] });
  hover(model, position);
  signatureHelp(model, position);
  definition(model, uri, position);
  references(model, uri, position, true);
  documentHighlight(model, position);
  if (prepareRename(model, position)) rename(model, uri, position, 'renamed_x');
  formatOnType(model, position.line, options, format);
}

/** A few positions per line that exercise every context class. */
function samplePositions(text: string): Position[] {
  const positions: Position[] = [];
  text.split('\n').forEach((line, i) => {
    const chars = new Set([0, line.length - line.trimStart().length, line.length]);
    const firstSpace = line.indexOf(' ', chars.size > 1 ? line.length - line.trimStart().length : 0);
    if (firstSpace >= 0) chars.add(firstSpace + 1);
    for (const m of line.matchAll(/[$\-=,{]/g)) if (chars.size < 5) chars.add(m.index + 1);
    for (const c of chars) positions.push({ line: i, character: c });
  });
  return positions;
}

function corpusFiles(): string[] {
  if (!fs.existsSync(corpus)) throw new Error(`corpus not found at ${corpus}`);
  const index = fs.readFileSync(path.join(corpus, 'INDEX.tsv'), 'utf8').trim().split('\n').slice(1);
  return index.map((row) => path.join(corpus, row.split('\t')[0]));
}

describe('features on real Dockerfiles and arbitrary text', function () {
  this.timeout(300_000);

  it('finds the corpus (a missing corpus is a failure, not a skip)', () => {
    assert.ok(corpusFiles().length > 400);
  });

  it('never throw on any corpus file, at sampled positions of every line', () => {
    let checked = 0;
    for (const file of corpusFiles()) {
      const text = fs.readFileSync(file, 'utf8');
      const model = parseDockerfile(text);
      try {
        documentFeatures(model);
        for (const position of samplePositions(text)) {
          positionFeatures(model, position);
          checked++;
        }
      } catch (error) {
        throw new Error(`${path.relative(corpus, file)}: ${(error as Error).stack}`);
      }
    }
    assert.ok(checked > 80_000, `only ${checked} positions checked`);
  });

  it('formatting every corpus file is idempotent and keeps every instruction', () => {
    for (const file of corpusFiles()) {
      const text = fs.readFileSync(file, 'utf8');
      const name = path.relative(corpus, file);
      const model = parseDockerfile(text);
      const formatted = applyEdits(text, formatDocument(model, options, format));
      const again = parseDockerfile(formatted);
      assert.deepEqual(formatDocument(again, options, format), [], `${name}: not idempotent`);
      assert.deepEqual(again.instructions.map((i) => i.keyword), model.instructions.map((i) => i.keyword), name);
      assert.deepEqual(again.instructions.map((i) => i.heredocs.map((h) => h.content)), model.instructions.map((i) => i.heredocs.map((h) => h.content)), name);
      assert.deepEqual(again.instructions.map((i) => i.flags.map((f) => f.value)), model.instructions.map((i) => i.flags.map((f) => f.value)), name);
    }
  });

  it('never throw on arbitrary text', () => {
    const chunk = fc.constantFrom('FROM ', 'RUN ', 'COPY --from=', '--mount=type=cache,', 'ARG ', 'ENV a=$', '${', '}', '"', "'", '\\\n',
      '`', '<<EOF\n', '\nEOF\n', '# syntax=', '# escape=`\n', '# check=skip=', 'ONBUILD ', 'HEALTHCHECK ', '[', ']', ' AS ', '\n', '\t', '\r\n', 'x');
    const text = fc.oneof(fc.string({ maxLength: 200 }), fc.array(chunk, { maxLength: 40 }).map((a) => a.join('')));
    fc.assert(fc.property(text, fc.nat(), fc.nat(), (t, lineSeed, charSeed) => {
      const model = parseDockerfile(t);
      documentFeatures(model);
      const lines = t.split('\n');
      const line = lineSeed % lines.length;
      positionFeatures(model, { line, character: charSeed % (lines[line].length + 1) });
    }), { numRuns: 1500 });
  });

  it('never throw on mutated real Dockerfiles (and format them idempotently)', () => {
    const files = corpusFiles().map((f) => fs.readFileSync(f, 'utf8'));
    const insert = fc.constantFrom('\\\n', '<<EOF\n', '\nEOF\n', '"', "'", '${', '$', '--mount=', 'FROM x AS y\n', '\n', '# escape=`\n', 'ONBUILD ', '[');
    const mutation = fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.oneof(insert, fc.string({ maxLength: 8 })));
    fc.assert(fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.nat(), (fileSeed, mutations, positionSeed) => {
      let text = files[fileSeed % files.length];
      for (const [at, remove, added] of mutations) {
        const offset = at % (text.length + 1);
        text = text.slice(0, offset) + added + text.slice(offset + remove);
      }
      const model = parseDockerfile(text);
      documentFeatures(model);
      const formatted = parseDockerfile(applyEdits(text, formatDocument(model, options, format)));
      assert.deepEqual(formatDocument(formatted, options, format), [], 'formatting is idempotent');
      const positions = samplePositions(text);
      for (let i = 0; i < 20; i++) positionFeatures(model, positions[(positionSeed + i * 7919) % positions.length]);
    }), { numRuns: 300 });
  });

  it('stays fast on an 8,000-line multi-stage file', () => {
    const base = fs.readFileSync(corpusFiles().find((f) => f.includes('golang'))!, 'utf8');
    let big = '';
    for (let i = 0; big.split('\n').length < 8000; i++) big += `${base.replace(/^FROM (\S+)( AS \S+)?/gim, `FROM $1 AS stage${i}_x`)}\n`;
    const model = parseDockerfile(big);
    const lastLine = big.split('\n').length - 2;
    const started = performance.now();
    documentFeatures(model);
    for (let i = 0; i < 50; i++) positionFeatures(model, { line: lastLine - i, character: 5 });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 5000, `document features + 50 position requests took ${elapsed.toFixed(0)} ms`);
  });
});
