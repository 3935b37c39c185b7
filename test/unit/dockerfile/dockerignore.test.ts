import * as assert from 'node:assert/strict';
import { DockerignoreMatcher, cleanPath, contextPath, parseDockerignore } from '../../../engine/dockerfile/index';

const matcher = (...lines: string[]) => DockerignoreMatcher.fromText(lines.join('\n'));

describe('dockerfile/dockerignore: moby/patternmatcher semantics', () => {
  it('cleans paths like Go path.Clean', () => {
    const cases: [string, string][] = [
      ['', '.'], ['a//b/', 'a/b'], ['./a/./b', 'a/b'], ['a/../b', 'b'], ['../a', '../a'], ['/../a', '/a'], ['/', '/'], ['a/b/..', 'a'],
    ];
    for (const [input, want] of cases) assert.equal(cleanPath(input), want, input);
    assert.equal(contextPath('/app/src/'), 'app/src');
    assert.equal(contextPath('/'), '.');
  });

  it('reads patterns: comments only at column 0, trimming, !, leading / and cleaning', () => {
    const r = parseDockerignore('\ufeff# comment\n\n  node_modules  \n /abs/dir/\n!  keep/../kept\n #not-a-comment\n!\n[\n');
    assert.deepEqual(r.patterns.map((p) => [p.pattern, p.exclusion, p.line]), [
      ['node_modules', false, 2], ['abs/dir', false, 3], ['kept', true, 4], ['#not-a-comment', false, 5],
    ]);
    assert.deepEqual(r.errors, [{ line: 6, message: 'illegal exclusion pattern: "!"' }, { line: 7, message: 'syntax error in pattern' }]);
  });

  const table: [string[], string, boolean][] = [
    [['**'], 'file', true],
    [['**'], 'a/b/c', true],
    [['**/'], 'a/b', true],
    [['**/foo'], 'foo', true],
    [['**/foo'], 'a/b/foo', true],
    [['**/foo'], 'afoo', false],
    [['**foo'], 'afoo', true],
    [['**/*.go'], 'a/b/c.go', true],
    [['**/*.go'], 'c.go', true],
    [['foo/**'], 'foo/x/y', true],
    [['foo/**'], 'foobar', false],
    [['*.go'], 'main.go', true],
    [['*.go'], 'cmd/main.go', false],
    [['*/*.go'], 'cmd/main.go', true],
    [['dir'], 'dir/sub/file', true],
    [['dir'], 'dirx', false],
    [['d?r'], 'dir', true],
    [['d?r'], 'd/r', false],
    [['[a-c]at'], 'bat', true],
    [['[a-c]at'], 'rat', false],
    [['[^a]x'], 'bx', true],
    [['a.b'], 'axb', false],
    [['a+b'], 'a+b', true],
    [['\\*'], '*', true],
    [['\\*'], 'x', false],
    [['/abs'], 'abs', true],
    [['docs', '!docs/README.md'], 'docs/README.md', false],
    [['docs', '!docs/README.md'], 'docs/other.md', true],
    [['*.md', '!README.md', 'README.md'], 'README.md', true],
    [['**/*.log', '!important.log'], 'important.log', false],
    [['**/*.log', '!important.log'], 'x/important.log', true],
    [['a'], '.', false],
    [['**'], '.', false],
  ];
  for (const [patterns, path, want] of table) {
    it(`${JSON.stringify(patterns)} ${want ? 'excludes' : 'keeps'} ${path}`, () => {
      assert.equal(matcher(...patterns).matches(path), want);
    });
  }

  it('matchesExact does not look at parent directories', () => {
    const m = matcher('dir');
    assert.equal(m.matches('dir/file'), true);
    assert.equal(m.matchesExact('dir/file'), false);
    assert.equal(m.matchesExact('dir'), true);
    assert.equal(m.hasExclusions, false);
    assert.equal(matcher('a', '!b').hasExclusions, true);
  });
});
