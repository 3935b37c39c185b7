// .dockerignore semantics (moby/patternmatcher): last match wins, `!` exceptions, `**`, parent dirs.
import assert from 'node:assert/strict';
import { IgnoreMatcher, parseDockerignore } from '../../../engine/build/dockerignore';

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

  it('cleans patterns like ignorefile.ReadAll', () => {
    assert.deepEqual(parseDockerignore('/a/../b/\n./c\n!/d\n#x\n\n'), ['b', 'c', '!d']);
  });

  it('supports ? and character classes within one component', () => {
    const k = new IgnoreMatcher(['file?.txt', '[ab]*.c']);
    assert.equal(k.matches('file1.txt'), true);
    assert.equal(k.matches('file12.txt'), false);
    assert.equal(k.matches('a-main.c'), true);
    assert.equal(k.matches('c-main.c'), false);
  });

  it('an excluded directory with an exception below it is still walked', () => {
    assert.equal(m.mayContainExceptions('secret'), true);
    assert.equal(new IgnoreMatcher(['build']).mayContainExceptions('build'), false);
  });
});
