// Real-world Dockerfiles that build (../shared/corpus): no error-severity diagnostic on any of them,
// at least one error on each of BuildKit's negative parser fixtures, and nothing throws.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDockerfile } from '../../engine/dockerfile';
import { lint } from '../../engine/dockerfile/lint';
import { pathToFileURL } from 'node:url';
import { computeDiagnostics } from '../../server/diagnostics';

const corpus = path.resolve(__dirname, '../../../shared/corpus');
const parserFixtures = 'moby__buildkit/frontend/dockerfile/parser/';
const negative = `${parserFixtures}testfiles-negative/`;

function corpusFiles(): string[] {
  const index = path.join(corpus, 'INDEX.tsv');
  if (!fs.existsSync(index)) {
    throw new Error(`Dockerfile corpus not found at ${corpus} (expected shared/corpus beside the repository, with INDEX.tsv)`);
  }
  return fs.readFileSync(index, 'utf8').trim().split('\n').slice(1).map((line) => line.split('\t')[0]);
}

function negativeFixtures(): string[] {
  const dir = path.join(corpus, negative);
  return fs.readdirSync(dir).map((name) => `${negative}${name}/Dockerfile`).filter((rel) => fs.existsSync(path.join(corpus, rel)));
}

describe('corpus: real-world Dockerfiles', function () {
  this.timeout(120_000);

  it('has the corpus checked out beside the repository', () => {
    assert.ok(corpusFiles().length > 400, `expected the corpus at ${corpus}`);
  });

  it('reports no error-severity diagnostic on any Dockerfile that builds', () => {
    const failures: string[] = [];
    let linted = 0;
    for (const rel of corpusFiles()) {
      if (rel.startsWith(parserFixtures)) continue;
      const file = path.join(corpus, rel);
      const diagnostics = computeDiagnostics(pathToFileURL(file).href, parseDockerfile(fs.readFileSync(file, 'utf8')));
      linted++;
      for (const d of diagnostics.filter((x) => x.severity === 1)) {
        failures.push(`${rel}:${d.range.start.line + 1}:${d.range.start.character + 1} ${String(d.code)}: ${d.message}`);
      }
    }
    assert.ok(linted > 400, `linted only ${linted} files`);
    assert.deepEqual(failures, []);
  });

  it('reports at least one error on each BuildKit negative parser fixture', () => {
    const fixtures = negativeFixtures();
    assert.ok(fixtures.length >= 3, `expected the negative fixtures in ${negative}`);
    for (const rel of fixtures) {
      const problems = lint(parseDockerfile(fs.readFileSync(path.join(corpus, rel), 'utf8')));
      assert.ok(problems.some((p) => p.severity === 'error'), `${rel}: no error reported`);
    }
  });

  it('lints the parser fixtures (which may not build) without throwing', () => {
    const fixtures = corpusFiles().filter((rel) => rel.startsWith(parserFixtures));
    assert.ok(fixtures.length > 20);
    for (const rel of fixtures) {
      assert.doesNotThrow(() => lint(parseDockerfile(fs.readFileSync(path.join(corpus, rel), 'utf8'))), rel);
    }
  });

  it('keeps the BuildKit checks quiet where the corpus is clean', () => {
    // Rules that must not fire anywhere in the corpus (each was reviewed: a hit would be a false positive).
    const quiet = ['UndefinedVar', 'UndefinedArgInFrom', 'JSONArgsRecommended', 'CopyIgnoredFile', 'ConsistentInstructionCasing', 'DuplicateStageName'];
    const hits: string[] = [];
    for (const rel of corpusFiles()) {
      if (rel.startsWith(parserFixtures)) continue;
      const file = path.join(corpus, rel);
      const diagnostics = computeDiagnostics(pathToFileURL(file).href, parseDockerfile(fs.readFileSync(file, 'utf8')));
      for (const d of diagnostics) if (quiet.includes(String(d.code))) hits.push(`${rel}:${d.range.start.line + 1} ${String(d.code)}: ${d.message}`);
    }
    assert.deepEqual(hits, []);
  });
});
