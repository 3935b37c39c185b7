import * as assert from 'node:assert/strict';
import { deepEqualRanges } from '../../harness/plainRanges';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import { parseDockerfile } from '../../../engine/dockerfile';
import { documentSymbols } from '../../../server/features/documentSymbols';
import { range } from './helpers';

const outline = (symbols: DocumentSymbol[] | undefined): unknown =>
  symbols?.map((s) => (s.children?.length ? { [s.name]: outline(s.children) } : s.name));

describe('documentSymbols', () => {
  it('nests instructions under their stages, with directives and global ARGs on top', () => {
    const model = parseDockerfile([
      '# syntax=docker/dockerfile:1',
      'ARG BASE=alpine',
      'FROM golang:1.22 AS build',
      'RUN go build \\',
      '  ./...',
      'FROM $BASE',
      'ONBUILD RUN echo hi',
      'COPY --from=build /out /bin/app',
    ].join('\n'));
    const symbols = documentSymbols(model);
    deepEqualRanges(outline(symbols), ['# syntax', 'ARG', { build: ['RUN'] }, { 'stage 1': [{ ONBUILD: ['RUN'] }, 'COPY'] }]);
    const build = symbols[2];
    assert.equal(build.kind, SymbolKind.Module);
    assert.equal(build.detail, 'FROM golang:1.22');
    deepEqualRanges(build.selectionRange, range(2, 20, 2, 25));
    deepEqualRanges(build.range, range(2, 0, 4, 7));
    deepEqualRanges(build.children![0].range, range(3, 0, 4, 7));
    assert.equal(build.children![0].detail, 'go build ./...');
    assert.equal(symbols[1].kind, SymbolKind.Variable);
    assert.equal(symbols[1].detail, 'BASE=alpine');
  });

  it('keeps each child inside its parent, heredoc bodies included', () => {
    const model = parseDockerfile('FROM scratch\nCOPY <<EOF /x\nbody\nEOF\n');
    const [stage] = documentSymbols(model);
    deepEqualRanges(stage.range, range(0, 0, 3, 3));
    deepEqualRanges(stage.children![0].range, range(1, 0, 3, 3));
  });

  it('shortens long details to one line', () => {
    const model = parseDockerfile(`FROM a\nRUN ${'x'.repeat(200)}`);
    const detail = documentSymbols(model)[0].children![0].detail!;
    assert.equal(detail.length, 80);
    assert.ok(detail.endsWith('…'));
  });
});
