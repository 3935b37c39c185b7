import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDockerfile } from '../../../engine/dockerfile/index';
import { assertModelInvariants } from './modelInvariants';

const corpus = path.resolve(__dirname, '../../../../shared/corpus');
const NEGATIVE = 'moby__buildkit/frontend/dockerfile/parser/testfiles-negative/';
const PARSER_FIXTURES = 'moby__buildkit/frontend/dockerfile/parser/';

describe('dockerfile/parser on the real-world corpus', () => {
  it('finds the corpus beside the repository', () => {
    assert.ok(
      fs.existsSync(path.join(corpus, 'INDEX.tsv')),
      `corpus not found at ${corpus}: the checkout must have shared/corpus beside the repository (see shared/corpus/README.md)`,
    );
  });

  const index = fs.existsSync(path.join(corpus, 'INDEX.tsv'))
    ? fs.readFileSync(path.join(corpus, 'INDEX.tsv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0])
    : [];

  it('lists every Dockerfile of the corpus', () => {
    assert.ok(index.length >= 400, `INDEX.tsv lists only ${index.length} files`);
  });

  it('parses every file without throwing, with valid ranges, in linear-ish time', () => {
    let totalBytes = 0;
    const started = performance.now();
    for (const rel of index) {
      const text = fs.readFileSync(path.join(corpus, rel), 'utf8');
      totalBytes += text.length;
      const model = parseDockerfile(text);
      assertModelInvariants(text, model);
    }
    const ms = performance.now() - started;
    // Loose: ~1.5 MB of Dockerfiles; a linear parser needs well under this on a shared CI box.
    assert.ok(ms < 20_000, `corpus took ${ms.toFixed(0)} ms for ${totalBytes} bytes`);
  });

  it('reports no parser problem on files that build, and on the positive parser fixtures', () => {
    const noisy: string[] = [];
    for (const rel of index) {
      if (rel.startsWith(NEGATIVE)) continue;
      const model = parseDockerfile(fs.readFileSync(path.join(corpus, rel), 'utf8'));
      for (const p of model.problems) noisy.push(`${rel}:${p.range.start.line + 1}: ${p.code} ${p.message}`);
    }
    assert.deepEqual(noisy, []);
  });

  it("flags every file BuildKit's parser rejects", () => {
    const negatives = index.filter((rel) => rel.startsWith(NEGATIVE));
    assert.ok(negatives.length >= 3, 'negative fixtures missing');
    for (const rel of negatives) {
      const model = parseDockerfile(fs.readFileSync(path.join(corpus, rel), 'utf8'));
      assert.ok(model.problems.some((p) => p.severity === 'error'), `${rel}: no parser problem`);
    }
    assert.ok(index.some((rel) => rel.startsWith(PARSER_FIXTURES + 'testfiles/')), 'positive parser fixtures missing');
  });
});
