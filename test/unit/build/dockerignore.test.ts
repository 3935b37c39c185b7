// The builder's .dockerignore / --exclude view (moby/patternmatcher semantics through the shared
// engine/dockerfile matcher): last match wins, `!` exceptions, `**`, parent dirs, and the CLI's
// rule for walking into excluded directories.
import assert from 'node:assert/strict';
import { IgnoreMatcher } from '../../../engine/build/dockerignore';

describe('build: .dockerignore matcher', () => {
  const m = IgnoreMatcher.fromFile('# comment\n*.log\n!keep.log\n**/tmp\nsecret/\n!secret/public\n/abs.txt\n  spaced.txt  \ndocs/*.md\n!docs/README.md\n');

  const cases: [string, boolean][] = [
    ['a.log', true], ['keep.log', false], ['sub/a.log', false],
    ['tmp', true], ['tmp/x', true], ['deep/er/tmp/y', true], ['tmpfile', false],
    ['secret/key', true], ['secret/public', false], ['secret', true],
    ['abs.txt', true], ['spaced.txt', true],
    ['docs/a.md', true], ['docs/README.md', false], ['docs/sub/a.md', false],
    ['main.txt', false],
  ];
  for (const [p, want] of cases) {
    it(`${p} is ${want ? '' : 'not '}excluded`, () => assert.equal(m.matches(p), want));
  }

  it('--exclude patterns support ? and character classes within one component', () => {
    const k = IgnoreMatcher.fromPatterns(['file?.txt', '[ab]*.c']);
    assert.equal(k.matches('file1.txt'), true);
    assert.equal(k.matches('file12.txt'), false);
    assert.equal(k.matches('a-main.c'), true);
    assert.equal(k.matches('c-main.c'), false);
  });

  it('an excluded directory is walked only when an exception lies below it', () => {
    assert.equal(m.mayContainExceptions('secret'), true);
    assert.equal(m.mayContainExceptions('docs'), true);
    assert.equal(m.mayContainExceptions('tmp'), false);
  });

  it('an invalid pattern fails like Docker', () => {
    assert.throws(() => IgnoreMatcher.fromFile('ok\n[\n'), /line 2: syntax error in pattern/);
  });
});
