import * as assert from 'node:assert/strict';
import { parseDockerfile } from '../../../engine/dockerfile';
import { semanticTokens, semanticTokensLegend } from '../../../server/features/semanticTokens';

/** Decodes the relative LSP encoding into `line:char text type[+modifiers]` strings. */
function decode(text: string, range?: Parameters<typeof semanticTokens>[1]): string[] {
  const { data } = semanticTokens(parseDockerfile(text), range);
  const lines = text.split('\n');
  const out: string[] = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i];
    char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
    const mods = semanticTokensLegend.tokenModifiers.filter((_, bit) => data[i + 4] & (1 << bit));
    out.push(`${line}:${char} ${lines[line].slice(char, char + data[i + 2])} ${semanticTokensLegend.tokenTypes[data[i + 3]]}${mods.map((m) => `+${m}`).join('')}`);
  }
  return out;
}

describe('semanticTokens', () => {
  it('marks directives, comments, keywords, flags, variables, stages, images and heredoc delimiters', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      '# build it',
      'ARG V=1',
      'FROM --platform=$BUILDPLATFORM golang:1.22 AS build',
      'RUN --network=none <<EOF',
      'echo $V',
      'EOF',
      'FROM scratch',
      'COPY --from=build ["/a", "/b"]',
      'MAINTAINER me',
    ].join('\n');
    assert.deepEqual(decode(text), [
      '0:2 syntax macro',
      '0:9 docker/dockerfile:1 string',
      '1:0 # build it comment',
      '2:0 ARG keyword',
      '2:4 V variable+declaration',
      '3:0 FROM keyword',
      '3:5 --platform parameter',
      '3:17 BUILDPLATFORM variable+defaultLibrary',
      '3:31 golang:1.22 class',
      '3:43 AS keyword',
      '3:46 build namespace+declaration',
      '4:0 RUN keyword',
      '4:4 --network parameter',
      '4:14 none string',
      '4:19 <<EOF label',
      '5:6 V variable',
      '6:0 EOF label',
      '7:0 FROM keyword',
      '8:0 COPY keyword',
      '8:5 --from parameter',
      '8:12 build namespace',
      '8:19 "/a" string',
      '8:25 "/b" string',
      '9:0 MAINTAINER keyword+deprecated',
    ]);
  });

  it('splits a token around the tokens nested in it', () => {
    assert.deepEqual(decode('FROM a\nCOPY ["$SRC", "/d"]'), [
      '0:0 FROM keyword', '0:5 a class', '1:0 COPY keyword', '1:6 "$ string', '1:8 SRC variable', '1:11 " string', '1:14 "/d" string',
    ]);
  });

  it('returns only the tokens of the requested lines', () => {
    assert.deepEqual(decode('FROM a\nRUN x\nUSER me\n', { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } }), ['1:0 RUN keyword']);
  });
});
