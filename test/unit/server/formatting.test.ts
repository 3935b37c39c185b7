import * as assert from 'node:assert/strict';
import { deepEqualRanges } from '../../harness/plainRanges';
import * as fc from 'fast-check';
import { parseDockerfile, type DockerfileModel } from '../../../engine/dockerfile';
import { formatDocument, formatOnType, formatRange } from '../../../server/features/formatting';
import { applyEdits, range } from './helpers';

const spaces = { tabSize: 4, insertSpaces: true };
const reindent = { keepMultilineIndentation: false };
const format = (text: string, settings = reindent, options = spaces) =>
  applyEdits(text, formatDocument(parseDockerfile(text), options, settings));

describe('formatting', () => {
  it('uppercases keywords and AS, removes indentation before keywords and keeps one space after', () => {
    assert.equal(
      format('  from   alpine as base\n\trun\techo hi\nonbuild  run make\n   # comment\nfoo bar\n'),
      'FROM alpine AS base\nRUN echo hi\nONBUILD RUN make\n# comment\nfoo bar\n',
    );
  });

  it('keeps a byte order mark and CRLF line ends', () => {
    assert.equal(format('\uFEFFfrom a\r\n  run  x \\\r\ny\r\n'), '\uFEFFFROM a\r\nRUN x \\\r\n    y\r\n');
  });

  it('indents continuation lines by the editor indentation unit', () => {
    const text = 'RUN apt-get update && \\\napt-get install -y curl \\\n        && rm -rf /var/lib/apt/lists/*\n';
    assert.equal(format(text), 'RUN apt-get update && \\\n    apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n');
    assert.equal(format(text, reindent, { tabSize: 2, insertSpaces: false }),
      'RUN apt-get update && \\\n\tapt-get install -y curl \\\n\t&& rm -rf /var/lib/apt/lists/*\n');
  });

  it('keeps hand-indented continuation lines when asked', () => {
    const text = 'run a \\\n      && b \\\n  && c\n';
    assert.equal(format(text, { keepMultilineIndentation: true }), 'RUN a \\\n      && b \\\n  && c\n');
  });

  it('never touches heredoc bodies', () => {
    const text = 'run <<EOF\n  run indented\n\tEOF-not\nEOF\ncopy <<-X /a\n\t  body\n\tX\n';
    assert.equal(format(text), 'RUN <<EOF\n  run indented\n\tEOF-not\nEOF\nCOPY <<-X /a\n\t  body\n\tX\n');
  });

  it('does not change whitespace the builder reads: inside quotes or inside a word split by a continuation', () => {
    const quoted = 'RUN echo "a \\\n  b"\n';
    assert.equal(format(quoted), quoted);
    const glued = 'ENV PATH=/usr/local/bin:\\\n/usr/bin\n';
    assert.equal(format(glued), glued);
    const backtick = '# escape=`\nRUN echo a `\nb\n';
    assert.equal(format(backtick), '# escape=`\nRUN echo a `\n    b\n');
  });

  it('indents comment lines inside a continued instruction', () => {
    assert.equal(format('RUN a \\\n# note\n  && b\n'), 'RUN a \\\n    # note\n    && b\n');
  });

  it('formats only the lines of a range', () => {
    const text = 'from a\nrun b\nrun c\n';
    deepEqualRanges(formatRange(parseDockerfile(text), range(1, 0, 1, 5), spaces, reindent),
      [{ range: range(1, 0, 1, 3), newText: 'RUN' }]);
  });

  it('on Enter, formats the instruction above the cursor but not the new line', () => {
    const text = 'from a\nrun  apt-get \\\n  \n';
    const edits = formatOnType(parseDockerfile(text), 2, spaces, reindent);
    deepEqualRanges(edits, [{ range: range(1, 0, 1, 3), newText: 'RUN' }, { range: range(1, 3, 1, 5), newText: ' ' }]);
    deepEqualRanges(formatOnType(parseDockerfile(text), 0, spaces, reindent), []);
  });

  describe('properties', () => {
    const keyword = fc.constantFrom('from', 'FROM', 'Run', 'run', 'COPY', 'env', 'onbuild run', 'label', 'workdir', 'cmd', 'expose', 'foo');
    const word = fc.constantFrom('a', 'b=c', '"x y"', "'q r'", '$V', '${V:-d}', '[ "sh" ]', '--mount=type=cache,target=/x', '&&', '/p', '"open', '\\');
    const gap = fc.constantFrom(' ', '  ', '\t', '');
    const lineTail = fc.constantFrom('', ' \\', '\\', ' `');
    const physicalLine = fc.tuple(gap, fc.option(keyword, { nil: '' }), fc.array(fc.tuple(gap, word), { maxLength: 4 }), lineTail)
      .map(([lead, kw, words, tail]) => `${lead}${kw}${words.map(([g, w]) => g + w).join('')}${tail}`);
    const heredoc = fc.constantFrom('RUN <<EOF\n  x \\\nEOF', 'COPY <<-E /d\n\t y\n\tE', 'run cat <<A <<B\n a\nA\n  b\nB');
    const special = fc.constantFrom('# escape=`', '# comment', '  # indented', '', '   ');
    const dockerfile = fc.array(fc.oneof(physicalLine, heredoc, special), { maxLength: 14 }).map((lines) => lines.join('\n'));
    const settings = fc.record({ keepMultilineIndentation: fc.boolean() });
    const options = fc.record({ tabSize: fc.integer({ min: 1, max: 8 }), insertSpaces: fc.boolean() });

    it('is idempotent', () => {
      fc.assert(fc.property(dockerfile, settings, options, (text, s, o) => {
        const once = format(text, s, o);
        deepEqualRanges(formatDocument(parseDockerfile(once), o, s), [], `not idempotent on ${JSON.stringify(text)} → ${JSON.stringify(once)}`);
      }), { numRuns: 400 });
    });

    it('preserves what the builder reads (instructions, words outside whitespace, heredoc bodies)', () => {
      fc.assert(fc.property(dockerfile, settings, options, (text, s, o) => {
        const before = meaning(parseDockerfile(text));
        const after = meaning(parseDockerfile(format(text, s, o)));
        deepEqualRanges(after, before, JSON.stringify(text));
      }), { numRuns: 400 });
    });
  });
});

/** What the build sees, with whitespace runs outside quotes collapsed (their length is insignificant). */
function meaning(model: DockerfileModel): unknown {
  return model.instructions.map((i) => ({
    keyword: i.keyword,
    args: collapse(i.kind === 'ONBUILD' ? i.trigger?.argsText ?? '' : i.argsText, model.escapeChar),
    flags: i.flags.map((f) => `${f.name}=${f.value}`),
    heredocs: i.heredocs.map((h) => h.content),
    trigger: i.kind === 'ONBUILD' ? i.trigger?.keyword : undefined,
  }));
}

function collapse(text: string, escape: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === escape && quote !== "'") {
      out += c + (text[i + 1] ?? '');
      i++;
    } else if (quote) {
      if (c === quote) quote = undefined;
      out += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      out += c;
    } else if (c === ' ' || c === '\t') {
      if (!out.endsWith(' ')) out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}
