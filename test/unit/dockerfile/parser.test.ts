import * as assert from 'node:assert/strict';
import { deepEqualRanges } from '../../harness/plainRanges';
import {
  parseDockerfile, wordSubRange, type CopyInstruction, type DockerfileModel, type ExposeInstruction, type FromInstruction,
  type HealthcheckInstruction, type Instruction, type KeyValueInstruction, type OnbuildInstruction, type Range,
  type RunInstruction,
} from '../../../engine/dockerfile/index';

/** Range of the `nth` occurrence of `needle` in `text`, computed independently of the parser. */
function rangeOf(text: string, needle: string, nth = 0): Range {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" #${nth} not in document`);
  }
  const pos = (o: number) => {
    const before = text.slice(0, o).split('\n');
    return { line: before.length - 1, character: before[before.length - 1].length };
  };
  return { start: pos(at), end: pos(at + needle.length) };
}

function parse(text: string): { m: DockerfileModel; r: (needle: string, nth?: number) => Range; i: (n: number) => Instruction } {
  const m = parseDockerfile(text);
  return { m, r: (n, k) => rangeOf(text, n, k), i: (n) => m.instructions[n] };
}

describe('dockerfile/parser', () => {
  describe('parser directives', () => {
    it('reads syntax, escape and check with name and value ranges', () => {
      const text = '# syntax=docker/dockerfile:1\n#  ESCAPE = `\n# check=skip=all\nFROM a';
      const { m, r } = parse(text);
      deepEqualRanges(m.directives.map((d) => [d.name, d.nameText, d.value]), [
        ['syntax', 'syntax', 'docker/dockerfile:1'], ['escape', 'ESCAPE', '`'], ['check', 'check', 'skip=all'],
      ]);
      deepEqualRanges(m.directives[0].nameRange, r('syntax'));
      deepEqualRanges(m.directives[0].valueRange, r('docker/dockerfile:1'));
      deepEqualRanges(m.directives[1].range, r('#  ESCAPE = `'));
      assert.equal(m.escapeChar, '`');
      deepEqualRanges(m.problems, []);
    });

    it('stops at a comment, an empty line, an unknown directive or an instruction', () => {
      for (const text of [
        '# hello\n# escape=`\nFROM a',
        '\n# escape=`\nFROM a',
        '# foo=bar\n# escape=`\nFROM a',
        'FROM a\n# escape=`\n',
      ]) {
        const m = parseDockerfile(text);
        assert.equal(m.escapeChar, '\\', text);
        assert.ok(!m.directives.some((d) => d.name === 'escape'), text);
        assert.ok(m.comments.some((c) => c.text === 'escape=`'), text);
      }
    });

    it('reports a duplicate directive and an invalid escape token', () => {
      const { m, r } = parse('# escape=x\n# syntax=a\n# syntax=b\nFROM a');
      deepEqualRanges(m.problems.map((p) => [p.code, p.message, p.range]), [
        ['InvalidEscapeDirective', "invalid escape token 'x' does not match ` or \\", r('x')],
        ['DuplicateDirective', 'only one syntax parser directive can be used', r('# syntax=b')],
      ]);
    });

    it('accepts a byte-order mark before the first directive', () => {
      const m = parseDockerfile('\ufeff# escape=`\nFROM a');
      assert.equal(m.escapeChar, '`');
    });
  });

  describe('lines, comments and continuations', () => {
    it('joins continued lines, drops comments and empty lines inside, records them with ranges', () => {
      const text = 'FROM a\nRUN echo one \\  \n  # a comment\n\n  two \\\n  three\n# top\n';
      const { m, r, i } = parse(text);
      const run = i(1);
      assert.equal(run.argsText, 'echo one   two   three');
      deepEqualRanges(run.range, { start: r('RUN').start, end: r('three').end });
      deepEqualRanges(run.continuations, [r('\\', 0), r('\\', 1)]);
      deepEqualRanges(run.emptyContinuationLines, [{ start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }]);
      deepEqualRanges(run.comments.map((c) => [c.text, c.range, c.insideInstruction]), [['a comment', r('# a comment'), true]]);
      deepEqualRanges(m.comments.map((c) => [c.text, c.insideInstruction]), [['a comment', true], ['top', false]]);
      deepEqualRanges(run.args[0].segments?.map((s) => s.textStart), [0, 9, 15]);
      deepEqualRanges(wordSubRange(m, run.args[0], 11, 14), r('two'));
      deepEqualRanges(wordSubRange(m, run.args[0], 17, 22), r('three'));
    });

    it('an escaped escape character at the end of a line does not continue it', () => {
      const { i } = parse('FROM a\nRUN echo \\\\\nRUN next\nRUN x\\\n\\\n  y');
      assert.equal(i(1).argsText, 'echo \\\\');
      assert.equal(i(2).argsText, 'next');
      assert.equal(i(3).argsText, 'x  y');
      assert.equal(i(3).continuations.length, 2);
    });

    it('counts empty lines of a continuation that runs to the end of the file, not the phantom last line', () => {
      const m = parseDockerfile('FROM a\nRUN x \\\n\n');
      deepEqualRanges(m.instructions[1].emptyContinuationLines, [{ start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }]);
      deepEqualRanges(parseDockerfile('FROM a\nRUN x \\\n').instructions[1].emptyContinuationLines, []);
    });

    it('uses the backtick as continuation with escape=`', () => {
      const { i, r } = parse('# escape=`\nFROM a\nRUN dir c:\\ `\n  /w');
      assert.equal(i(1).argsText, 'dir c:\\   /w');
      deepEqualRanges(i(1).continuations, [r('`', 1)]);
    });

    it('keeps ranges right with CRLF line endings', () => {
      const text = 'FROM a\r\nRUN x \\\r\n  y\r\nENV a=b\r\n';
      const { i } = parse(text);
      assert.equal(i(1).argsText, 'x   y');
      deepEqualRanges(i(1).range, { start: { line: 1, character: 0 }, end: { line: 2, character: 3 } });
      deepEqualRanges(i(2).range, { start: { line: 3, character: 0 }, end: { line: 3, character: 7 } });
    });

    it('reports a file without instructions', () => {
      deepEqualRanges(parseDockerfile('# only\n\n').problems.map((p) => p.code), ['EmptyDockerfile']);
      deepEqualRanges(parseDockerfile('').problems.map((p) => p.code), ['EmptyDockerfile']);
    });
  });

  describe('keywords and flags', () => {
    it('keeps keyword casing and range; unknown instructions are kind UNKNOWN', () => {
      const { i, r } = parse('from a\nFoo bar baz');
      assert.equal(i(0).kind, 'FROM');
      assert.equal(i(0).keywordText, 'from');
      deepEqualRanges(i(0).keywordRange, r('from'));
      assert.equal(i(1).kind, 'UNKNOWN');
      assert.equal(i(1).keyword, 'FOO');
      deepEqualRanges(i(1).args.map((w) => w.text), ['bar', 'baz']);
    });

    it('parses --name=value, --name, quoted values and the -- terminator', () => {
      const text = 'FROM a\nCOPY --from=build --link --chown="a b" -- --x /d';
      const { i, r } = parse(text);
      const c = i(1) as CopyInstruction;
      deepEqualRanges(c.flags.map((f) => [f.name, f.value, f.valueText]), [
        ['from', 'build', 'build'], ['link', undefined, undefined], ['chown', 'a b', '"a b"'],
      ]);
      deepEqualRanges(c.flags[0].nameRange, r('from'));
      deepEqualRanges(c.flags[0].valueRange, r('build'));
      deepEqualRanges(c.flags[0].range, r('--from=build'));
      deepEqualRanges(c.flags[1].range, r('--link'));
      deepEqualRanges(c.flags[2].valueRange, r('"a b"'));
      deepEqualRanges(c.sources.map((w) => w.text), ['--x']);
      assert.equal(c.dest?.text, '/d');
      assert.equal(c.from?.value, 'build');
    });
  });

  describe('JSON (exec) form versus shell form', () => {
    it('decodes JSON arrays with element ranges', () => {
      const text = 'FROM a\nCMD [ "a b", "\\u0041" ]';
      const { i, r } = parse(text);
      const cmd = i(1);
      deepEqualRanges(cmd.json?.elements.map((e) => e.value), ['a b', 'A']);
      deepEqualRanges(cmd.json?.elements[0].range, r('"a b"'));
      deepEqualRanges(cmd.json?.range, r('[ "a b", "\\u0041" ]'));
      deepEqualRanges(cmd.args.map((w) => [w.text, w.range]), [['a b', r('"a b"')], ['A', r('"\\u0041"')]]);
    });

    it('single quotes or a broken array mean shell form', () => {
      for (const args of ["['a', 'b']", '["a"', '[1', 'echo [x]', '["a" "b"]']) {
        const cmd = parseDockerfile(`FROM a\nENTRYPOINT ${args}`).instructions[1];
        assert.equal(cmd.json, undefined, args);
        deepEqualRanges(cmd.args.map((w) => w.text), [args]);
      }
    });

    it('like BuildKit (a json.Decoder), ignores text after the first JSON value', () => {
      const { i, r } = parse('FROM a\nCMD ["a", "]"] trailing\nCMD []x');
      deepEqualRanges(i(1).json?.elements.map((e) => e.value), ['a', ']']);
      deepEqualRanges(i(1).json?.range, r('["a", "]"]'));
      deepEqualRanges(i(2).json?.elements, []);
    });

    it('reports non-string JSON elements', () => {
      const { m, r } = parse('FROM a\nCMD [ "echo", [ "nested json" ] ]');
      deepEqualRanges(m.problems.map((p) => [p.code, p.range]), [['JSONNotStringArray', r('[ "echo", [ "nested json" ] ]')]]);
    });

    it('handles JSON form in COPY, VOLUME and SHELL', () => {
      const { i } = parse('FROM a\nCOPY ["a", "b c", "/d/"]\nVOLUME ["/v"]\nVOLUME /x /y\nSHELL ["pwsh", "-c"]');
      const c = i(1) as CopyInstruction;
      deepEqualRanges(c.sources.map((w) => w.text), ['a', 'b c']);
      assert.equal(c.dest?.text, '/d/');
      deepEqualRanges(i(2).args.map((w) => w.text), ['/v']);
      deepEqualRanges(i(3).args.map((w) => w.text), ['/x', '/y']);
      deepEqualRanges(i(4).json?.elements.map((e) => e.value), ['pwsh', '-c']);
    });
  });

  describe('heredocs', () => {
    it('reads <<EOF bodies with delimiter, body and terminator ranges', () => {
      const text = 'FROM a\nRUN <<EOF\necho $HOME\nEOF\nRUN x';
      const { i, r } = parse(text);
      const [h] = i(1).heredocs;
      assert.equal(h.name, 'EOF');
      assert.equal(h.quoted, false);
      assert.equal(h.stripTabs, false);
      assert.equal(h.content, 'echo $HOME\n');
      deepEqualRanges(h.tokenRange, r('<<EOF'));
      deepEqualRanges(h.nameRange, r('EOF'));
      deepEqualRanges(h.bodyRange, r('echo $HOME'));
      deepEqualRanges(h.endRange, r('EOF', 1));
      deepEqualRanges(i(1).range, r('RUN <<EOF'));
      deepEqualRanges(i(1).fullRange, { start: r('RUN').start, end: r('EOF', 1).end });
      assert.equal(i(2).argsText, 'x');
    });

    it('strips leading tabs with <<- and accepts an indented terminator', () => {
      const { i } = parse('FROM a\nRUN <<-EOT\n\tone\n\t\ttwo\n\tEOT\n');
      const [h] = i(1).heredocs;
      assert.equal(h.stripTabs, true);
      assert.equal(h.content, 'one\ntwo\n');
      assert.ok(h.endRange);
    });

    it('treats quoted or partly quoted delimiters as no-expansion', () => {
      // BuildKit compares quote counts only: an escaped delimiter still expands.
      for (const [tok, name, quoted] of [['"EOF"', 'EOF', true], ["'EOF'", 'EOF', true], ['E"O"F', 'EOF', true], ['EOF', 'EOF', false], ['\\EOF', 'EOF', false]] as const) {
        const [h] = parseDockerfile(`FROM a\nRUN cat <<${tok}\nx\n${name}\n`).instructions[1].heredocs;
        assert.equal(h.name, name, tok);
        assert.equal(h.quoted, quoted, tok);
      }
    });

    it('reads several heredocs on one line in order, with fd prefixes', () => {
      const text = 'FROM a\nCOPY <<one.txt 3<<-two.txt /dest/\nfirst\none.txt\n\tsecond\ntwo.txt\nENV a=b';
      const { i } = parse(text);
      const c = i(1) as CopyInstruction;
      deepEqualRanges(c.heredocs.map((h) => [h.name, h.content, h.fd]), [['one.txt', 'first\n', undefined], ['two.txt', 'second\n', 3]]);
      deepEqualRanges(c.sources.map((w) => w.text), ['<<one.txt', '3<<-two.txt']);
      assert.equal(i(2).kind, 'ENV');
    });

    it('reads heredocs after a continuation, starting after the last instruction line', () => {
      const { i, r } = parse('FROM a\nRUN \\\n  <<EOF \\\n  cat\nbody\nEOF\n');
      assert.equal(i(1).heredocs[0].content, 'body\n');
      deepEqualRanges(i(1).heredocs[0].bodyRange, r('body'));
    });

    it('only in shell-form RUN/COPY/ADD, also as ONBUILD triggers', () => {
      const m = parseDockerfile('FROM a\nCMD <<EOF\nENV x=1\nRUN ["<<EOF"]\nONBUILD RUN <<EOF\necho hi\nEOF\nLABEL a=b\nONBUILD ENV <<EOF');
      deepEqualRanges(m.instructions.map((x) => [x.kind, x.heredocs.length]), [
        ['FROM', 0], ['CMD', 0], ['ENV', 0], ['RUN', 0], ['ONBUILD', 1], ['LABEL', 0], ['ONBUILD', 0],
      ]);
      const onbuild = m.instructions[4] as OnbuildInstruction;
      assert.equal(onbuild.trigger?.heredocs[0].content, 'echo hi\n');
    });

    it('keeps the body line breaks as written (CRLF)', () => {
      const [h] = parseDockerfile('FROM a\r\nRUN <<EOF\r\none\r\ntwo\r\nEOF\r\n').instructions[1].heredocs;
      assert.equal(h.content, 'one\r\ntwo\r\n');
      deepEqualRanges(h.bodyRange, { start: { line: 2, character: 0 }, end: { line: 3, character: 3 } });
      assert.ok(h.endRange);
    });

    it('reports an unterminated heredoc and keeps the rest as its body', () => {
      const { m, r } = parse('FROM a\nRUN <<EOF\nbody\n');
      deepEqualRanges(m.problems.map((p) => [p.code, p.range]), [['UnterminatedHeredoc', r('<<EOF')]]);
      assert.equal(m.instructions[1].heredocs[0].content, 'body\n');
    });
  });

  describe('typed instructions', () => {
    it('FROM: image, AS, stage name, platform', () => {
      const text = 'FROM --platform=$BUILDPLATFORM golang:1.22 As Build';
      const { i, r } = parse(text);
      const f = i(0) as FromInstruction;
      deepEqualRanges(f.image?.range, r('golang:1.22'));
      assert.equal(f.asKeyword?.text, 'As');
      deepEqualRanges(f.stageName?.range, r('Build'));
      assert.equal(f.platform?.value, '$BUILDPLATFORM');
    });

    it('ENV/LABEL/ARG pairs with key and value ranges, legacy form and quotes', () => {
      const text = 'FROM a\nENV A=1 B="two words" C=\nENV LEGACY some value\nARG X Y=y\nLABEL "k"=v';
      const { m, i, r } = parse(text);
      const env = i(1) as KeyValueInstruction;
      deepEqualRanges(env.pairs.map((p) => [p.key, p.value?.text]), [['A', '1'], ['B', '"two words"'], ['C', '']]);
      deepEqualRanges(env.pairs[1].keyRange, r('B'));
      deepEqualRanges(env.pairs[1].value?.range, r('"two words"'));
      deepEqualRanges(env.pairs[1].range, r('B="two words"'));
      const legacy = i(2) as KeyValueInstruction;
      assert.equal(legacy.legacy, true);
      deepEqualRanges(legacy.pairs.map((p) => [p.key, p.value?.text]), [['LEGACY', 'some value']]);
      deepEqualRanges(legacy.pairs[0].value?.range, r('some value'));
      const arg = i(3) as KeyValueInstruction;
      deepEqualRanges(arg.pairs.map((p) => [p.key, p.value?.text]), [['X', undefined], ['Y', 'y']]);
      deepEqualRanges((i(4) as KeyValueInstruction).pairs.map((p) => p.key), ['"k"']);
      deepEqualRanges(m.problems, []);
    });

    it('reports ENV without value and pairs without =', () => {
      const { m, r } = parse('FROM busybox\n\nENV PATH\nENV a=1 zz\nLABEL =x');
      deepEqualRanges(m.problems.map((p) => [p.message, p.range]), [
        ['ENV must have two arguments', r('ENV PATH')],
        [`Syntax error - can't find = in "zz". Must be of the form: name=value`, r('zz')],
        ['LABEL names can not be blank', r('=x')],
      ]);
    });

    it('RUN: mounts with type and option ranges, network and security', () => {
      const text = 'FROM a\nRUN --mount=type=cache,target=/root/.cache,sharing=locked --mount=target=/src,rw --network=none --security=insecure make';
      const { i, r } = parse(text);
      const run = i(1) as RunInstruction;
      assert.equal(run.mounts.length, 2);
      assert.equal(run.mounts[0].type, 'cache');
      deepEqualRanges(run.mounts[0].typeRange, r('cache'));
      deepEqualRanges(run.mounts[0].options.map((o) => [o.key, o.value]), [['type', 'cache'], ['target', '/root/.cache'], ['sharing', 'locked']]);
      deepEqualRanges(run.mounts[0].options[2].keyRange, r('sharing'));
      deepEqualRanges(run.mounts[0].options[2].valueRange, r('locked'));
      assert.equal(run.mounts[1].type, 'bind');
      deepEqualRanges(run.mounts[1].options.map((o) => [o.key, o.value]), [['target', '/src'], ['rw', undefined]]);
      deepEqualRanges(run.mounts[1].options[1].range, r('rw'));
      assert.equal(run.network?.value, 'none');
      assert.equal(run.security?.value, 'insecure');
      assert.equal(run.argsText, 'make');
    });

    it('HEALTHCHECK: NONE, CMD in shell and JSON form, options', () => {
      const { i, r } = parse('FROM a\nHEALTHCHECK NONE\nHEALTHCHECK --interval=5s --retries=3 CMD curl -f http://x/\nHEALTHCHECK cmd ["true"]');
      assert.equal((i(1) as HealthcheckInstruction).mode, 'NONE');
      const h = i(2) as HealthcheckInstruction;
      assert.equal(h.mode, 'CMD');
      deepEqualRanges(h.command?.range, r('curl -f http://x/'));
      deepEqualRanges(h.flags.map((f) => [f.name, f.value]), [['interval', '5s'], ['retries', '3']]);
      const j = i(3) as HealthcheckInstruction;
      assert.equal(j.mode, 'CMD');
      deepEqualRanges(j.json?.elements.map((e) => e.value), ['true']);
    });

    it('EXPOSE: ports and protocols with ranges', () => {
      const { i, r } = parse('FROM a\nEXPOSE 80/tcp 53/UDP 8080 ${P}');
      const e = i(1) as ExposeInstruction;
      deepEqualRanges(e.ports.map((p) => [p.port, p.protocol]), [['80', 'tcp'], ['53', 'UDP'], ['8080', undefined], ['${P}', undefined]]);
      deepEqualRanges(e.ports[1].portRange, r('53'));
      deepEqualRanges(e.ports[1].protocolRange, r('UDP'));
    });

    it('USER/WORKDIR/STOPSIGNAL/MAINTAINER take the whole rest as one argument', () => {
      const { i } = parse('FROM a\nWORKDIR /a b\nUSER app:app\nSTOPSIGNAL SIGTERM\nMAINTAINER Jane Doe <j@x>');
      deepEqualRanges([1, 2, 3, 4].map((n) => i(n).args.map((w) => w.text)), [['/a b'], ['app:app'], ['SIGTERM'], ['Jane Doe <j@x>']]);
    });

    it('ONBUILD: the trigger is a parsed instruction with ranges and a parent', () => {
      const { i, r } = parse('FROM a\nONBUILD COPY --from=x . /app');
      const o = i(1) as OnbuildInstruction;
      assert.equal(o.trigger?.kind, 'COPY');
      deepEqualRanges(o.trigger?.keywordRange, r('COPY'));
      assert.equal(o.trigger?.parent, o);
      assert.equal((o.trigger as CopyInstruction).from?.value, 'x');
      assert.equal(o.trigger?.stageIndex, 0);
    });
  });

  describe('stages', () => {
    it('indexes stages, resolves bases and references', () => {
      const text = [
        'ARG V=1',
        'FROM alpine:$V AS base',
        'FROM scratch AS Tools',
        'FROM BASE AS app',
        'COPY --from=tools /t /t',
        'COPY --from=0 /a /a',
        'COPY --from=nginx:latest /n /n',
        'RUN --mount=type=bind,from=base,target=/b true',
        'ONBUILD COPY --from=base /x /x',
      ].join('\n');
      const { m, r } = parse(text);
      assert.equal(m.globalArgs.length, 1);
      assert.equal(m.instructions[0].stageIndex, -1);
      deepEqualRanges(m.stages.map((s) => [s.index, s.name, s.nameText, s.base]), [
        [0, 'base', 'base', { kind: 'image', image: 'alpine:$V' }],
        [1, 'tools', 'Tools', { kind: 'scratch' }],
        [2, 'app', 'app', { kind: 'stage', stageIndex: 0 }],
      ]);
      deepEqualRanges(m.stages[1].nameRange, r('Tools'));
      const refs = m.stages[2].references.map((x) => [x.via, x.target, x.stageIndex, x.range]);
      deepEqualRanges(refs, [
        ['from', 'BASE', 0, r('BASE')],
        ['copy-from', 'tools', 1, r('tools')],
        ['copy-from', '0', 0, r('0')],
        ['copy-from', 'nginx:latest', undefined, r('nginx:latest')],
        ['mount-from', 'base', 0, r('base', 1)],
        ['copy-from', 'base', 0, r('base', 2)],
      ]);
      deepEqualRanges(m.stages[2].range, { start: r('FROM BASE').start, end: r('ONBUILD COPY --from=base /x /x').end });
      assert.equal(m.stages[2].instructions.length, 6);
    });

    it('does not resolve a stage to itself or a later one', () => {
      const m = parseDockerfile('FROM a AS one\nCOPY --from=one / /\nCOPY --from=two / /\nFROM b AS two');
      deepEqualRanges(m.stages[0].references.map((x) => x.stageIndex), [undefined, undefined]);
    });
  });
});
