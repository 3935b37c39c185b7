import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expandWord } from '../../../engine/dockerfile/expand/lex';

const env = (o: Record<string, string>) => new Map(Object.entries(o));

describe('dockerfile/expand: BuildKit word expansion', () => {
  describe('envVarTest table', () => {
    const table = fs.readFileSync(path.join(__dirname, 'data/envVarCases.txt'), 'utf8');
    const vars = env({ PWD: '/home', SHELL: 'bash', KOREAN: '한국어', NULL: '' });
    for (const line of table.split('\n')) {
      if (!line.trim() || line.startsWith('#')) continue;
      const bar = line.lastIndexOf('|');
      const input = line.slice(0, bar).trim();
      const expected = line.slice(bar + 1).trim();
      it(`${input} → ${expected}`, () => {
        const r = expandWord(input, vars);
        if (expected === 'error') assert.equal(r.errors.length, 1, `expected an error, got ${JSON.stringify(r.value)}`);
        else {
          assert.deepEqual(r.errors, []);
          assert.equal(r.value, expected);
        }
      });
    }
  });

  describe('ProcessWordWithMatches cases', () => {
    // Re-typed from BuildKit's TestProcessWithMatches table: input, env, expected | 'error', matched, unmatched.
    const cases: [string, Record<string, string>, string, string[], string[]][] = [
      ['x', { DUMMY: 'dummy' }, 'x', [], []],
      ['x ${UNUSED}', { DUMMY: 'dummy' }, 'x ', [], ['UNUSED']],
      ['x ${FOO}', { FOO: 'y' }, 'x y', ['FOO'], []],
      ['${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}', { FOO: 'xxx', BAR: '' }, 'xxx  ccc', ['FOO', 'BAR'], ['BAZ']],
      ['${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}', { FOO: 'xxx', BAR: '' }, 'xxx bbb ccc', ['FOO', 'BAR'], ['BAZ']],
      ['${FOO:-}', { FOO: 'xxx', BAR: '' }, 'xxx', ['FOO'], []],
      ['${FOO:-}', {}, '', [], ['FOO']],
      ['${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}', { FOO: 'xxx', BAR: '' }, 'aaa bbb ', ['FOO', 'BAR'], ['BAZ']],
      ['${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}', { FOO: 'xxx', BAR: '' }, 'aaa  ', ['FOO', 'BAR'], ['BAZ']],
      ['${FOO?aaa}', { FOO: 'xxx', BAR: '' }, 'xxx', ['FOO'], []],
      ['${BAR?bbb}', { FOO: 'xxx', BAR: '' }, '', ['BAR'], []],
      ['${BAZ?ccc}', { FOO: 'xxx', BAR: '' }, 'error', [], ['BAZ']],
      ['${FOO:?aaa}', { FOO: 'xxx', BAR: '' }, 'xxx', ['FOO'], []],
      ['${BAR:?bbb}', { FOO: 'xxx', BAR: '' }, 'error', [], []],
      ['${BAZ:?ccc}', { FOO: 'xxx', BAR: '' }, 'error', [], ['BAZ']],
      ['${BAZ:?}', { FOO: 'xxx', BAR: '' }, 'error', [], ['BAZ']],
      ['${FOO=aaa}', { FOO: 'xxx', BAR: '' }, 'error', [], []],
      ['${FOO=:aaa}', { FOO: 'xxx', BAR: '' }, 'error', [], []],
      ['${FOO=}', {}, 'error', [], []],
      ['${FOO#()[]{\\}^$.\\*\\?|\\\\}', { FOO: '()[]{}^$.*?|\\x' }, 'x', ['FOO'], []],
      ['${FOO%%\\**}', { FOO: 'xx**' }, 'xx', ['FOO'], []],
      ['${FOO#*x*y}', { FOO: 'xxyy' }, 'y', ['FOO'], []],
      ['${FOO#*}', { FOO: 'xxyy' }, 'xxyy', ['FOO'], []],
      ['${FOO#$BAR}', { FOO: 'xxyy', BAR: 'x' }, 'xyy', ['FOO', 'BAR'], []],
      ['${FOO#$BAR}', { FOO: 'xxyy', BAR: '' }, 'xxyy', ['FOO', 'BAR'], []],
      ['${FOO#}', { FOO: 'xxyy' }, 'xxyy', ['FOO'], []],
      ['${FOO##*x}', { FOO: 'xxyy' }, 'yy', ['FOO'], []],
      ['${FOO##}', { FOO: 'xxyy' }, 'xxyy', ['FOO'], []],
      ['${FOO#?\\?}', { FOO: '???y' }, '?y', ['FOO'], []],
      ['${ABC:-.}${FOO%x}${ABC:-.}', { FOO: 'xxyy' }, '.xxyy.', ['FOO'], ['ABC']],
      ['${FOO%%\\**\\*}', { FOO: 'a***yy*' }, 'a', ['FOO'], []],
      ['${FOO%}', { FOO: 'xxyy' }, 'xxyy', ['FOO'], []],
      ['${FOO%%$BAR}', { FOO: 'xxyy', BAR: '' }, 'xxyy', ['FOO', 'BAR'], []],
      ['${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}', { FOO: '/foo*/*/*.txt', NEEDLE: '\\*/' }, '/foo.*/*.txt - /foo..*.txt', ['FOO', 'NEEDLE'], []],
      ['${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}', { FOO: '/tmp/tmp/bar.txt', NEEDLE: '/tmp' }, '/tmp/bar.txt - /bar.txt', ['FOO', 'NEEDLE'], []],
      ['${FOO/$NEEDLE/$REPLACEMENT} - ${FOO//$NEEDLE/$REPLACEMENT}', { FOO: '/a/foo/b/c.txt', NEEDLE: '/?/', REPLACEMENT: '/' }, '/foo/b/c.txt - /foo/c.txt', ['FOO', 'NEEDLE', 'REPLACEMENT'], []],
      ['${FOO/$NEEDLE/$REPLACEMENT}', { FOO: 'http://google.de', NEEDLE: 'http://', REPLACEMENT: 'https://' }, 'https://google.de', ['FOO', 'NEEDLE', 'REPLACEMENT'], []],
      ['${FOO//\\//\\/}', { FOO: '/tmp/foo.txt' }, '\\/tmp\\/foo.txt', ['FOO'], []],
      ['${FOO/$BAR/ww}', { FOO: 'xxyy', BAR: '' }, 'wwxxyy', ['FOO', 'BAR'], []],
      ['${FOO//ww}', { FOO: 'xxyy' }, 'error', [], []],
      ['${FOO//}', { FOO: 'xxyy' }, 'error', [], []],
      ['${FOO///}', { FOO: 'xxyy' }, 'xxyy', ['FOO'], []],
      ['${FOO///}', {}, '', [], ['FOO']],
    ];
    for (const [input, vars, expected, matched, unmatched] of cases) {
      it(`${input} with ${JSON.stringify(vars)}`, () => {
        const r = expandWord(input, env(vars));
        if (expected === 'error') {
          assert.equal(r.errors.length, 1);
          return;
        }
        assert.deepEqual(r.errors, []);
        assert.equal(r.value, expected);
        assert.deepEqual([...r.matched].sort(), [...matched].sort());
        assert.deepEqual([...r.unmatched].sort(), [...unmatched].sort());
      });
    }
  });

  it('expands the release-name example with platform args', () => {
    const r = expandWord('something-${VERSION}.${TARGETOS}-${TARGETARCH}${TARGETVARIANT:+-${TARGETVARIANT}}.tar.gz',
      env({ VERSION: 'v1.2.3', TARGETOS: 'linux', TARGETARCH: 'arm', TARGETVARIANT: 'v7' }));
    assert.equal(r.value, 'something-v1.2.3.linux-arm-v7.tar.gz');
    assert.equal(r.matched.length, 4);
  });

  it('reports error messages and offsets like BuildKit', () => {
    const cases: [string, string, number][] = [
      ['ab${}', 'syntax error: bad substitution', 2],
      ['x${a', "syntax error: missing '}'", 1],
      ['${a:-x', "syntax error: missing '}'", 0],
      ['y${a:#x}', 'unsupported modifier (:#) in substitution', 1],
      ['${a=x}', 'unsupported modifier (=) in substitution', 0],
      ['${NOPE:?must be set}', 'NOPE: must be set', 0],
      ['${NOPE?}', 'NOPE: is not allowed to be unset', 0],
      ['${E:?}', 'E: is not allowed to be empty', 0],
      ["it's", 'unexpected end of statement while looking for matching single-quote', 2],
      ['"open', 'unexpected end of statement while looking for matching double-quote', 0],
      ['${a#\\x}', "invalid pattern (\\x) in substitution: invalid escape '\\x'", 0],
    ];
    for (const [input, message, offset] of cases) {
      const r = expandWord(input, env({ a: 'v', E: '' }));
      assert.equal(r.errors.length, 1, input);
      assert.equal(r.errors[0].message, message, input);
      assert.equal(r.errors[0].offset, offset, input);
    }
  });

  it('records every reference with name and construct offsets', () => {
    const r = expandWord('a $X-${Y:-$Z}/${W##*/}', env({ X: '1' }));
    assert.deepEqual(r.references.map((x) => [x.name, x.start, x.end, x.nameStart, x.nameEnd, x.modifier]), [
      ['X', 2, 4, 3, 4, undefined],
      ['Y', 5, 13, 7, 8, ':-'],
      ['Z', 10, 12, 11, 12, undefined],
      ['W', 14, 22, 16, 17, '##'],
    ]);
  });

  it('honours the backtick escape token and raw options', () => {
    assert.equal(expandWord('a`$b', env({ b: 'x' }), { escapeChar: '`' }).value, 'a$b');
    assert.equal(expandWord('C:\\path', env({}), { escapeChar: '`' }).value, 'C:\\path');
    assert.equal(expandWord('"a b"', env({}), { rawQuotes: true }).value, '"a b"');
    assert.equal(expandWord('$U ${U:-x}', env({}), { skipUnset: true }).value, '$U ${U:-x}');
  });

  it('splits words after expansion, keeping quoted spaces', () => {
    assert.deepEqual(expandWord('a "b c" $V', env({ V: 'd e' }), { splitWords: true }).words, ['a', 'b c', 'd', 'e']);
  });

  it('matches globs like Go RE2: leftmost-first, empty matches, newlines, templates', () => {
    const vars = env({ V: 'abc', N: '\nx', P: 'a/b/c' });
    assert.equal(expandWord('${V//*/-}', vars).value, '-');
    assert.equal(expandWord('${V///-}', vars).value, '-a-b-c-');
    assert.equal(expandWord('${N#?}', vars).value, '\nx');
    assert.equal(expandWord("${V//b/'<$0>'}", vars).value, 'a<b>c');
    assert.equal(expandWord("${V/b/'<$0>'}", vars).value, 'a<$0>c');
    assert.equal(expandWord('${P#*/}|${P##*/}|${P%/*}|${P%%/*}', vars).value, 'b/c|c|a/b|a');
  });

  it('stays fast on patterns that make backtracking engines explode', () => {
    const vars = env({ V: 'a'.repeat(3000) });
    const started = performance.now();
    const r = expandWord('${V%%*a*a*a*a*a*a*a*a*a*b}${V//*a*a*a*a*a*a*b/x}', vars);
    assert.equal(r.value, 'a'.repeat(6000));
    assert.ok(performance.now() - started < 2000, 'glob matching is not linear');
  });
});
