// definition, references, rename and document highlight share the symbol index.
import * as assert from 'node:assert/strict';
import { deepEqualRanges } from '../../harness/plainRanges';
import { ResponseError } from 'vscode-languageserver';
import { parseDockerfile } from '../../../engine/dockerfile';
import { definition } from '../../../server/features/definition';
import { documentHighlight } from '../../../server/features/documentHighlight';
import { references } from '../../../server/features/references';
import { prepareRename, rename } from '../../../server/features/rename';
import { applyEdits, range, textAt } from './helpers';

const uri = 'file:///w/Dockerfile';
const text = [
  'ARG BASE=golang:1.22', //                                  0
  'ARG VERSION=1', //                                         1
  'FROM $BASE AS build', //                                   2
  'ARG VERSION', //                                           3
  'ENV OUT=/out/app-${VERSION}', //                           4
  'RUN --mount=type=cache,target=/c go build -o $OUT', //     5
  'FROM build AS test', //                                    6
  'RUN echo "$OUT" \\', //                                     7
  '  && test -f ${OUT}', //                                   8
  'FROM alpine', //                                           9
  'ARG VERSION=2', //                                         10
  'COPY --from=build $VERSION /bin/', //                      11
  'RUN --mount=from=test,target=/t true', //                  12
].join('\n');
const model = parseDockerfile(text);
const at = (line: number, character: number) => ({ line, character });
const texts = (ranges: { range: { start: { line: number; character: number }; end: { line: number; character: number } } }[], source = text) =>
  ranges.map((r) => `${r.range.start.line}:${textAt(source, r.range)}`);

describe('navigation: definition, references, rename, highlight', () => {
  it('goes from a stage reference (FROM, COPY --from, --mount from=) to its AS name', () => {
    const build = [{ uri, range: range(2, 14, 2, 19) }];
    deepEqualRanges(definition(model, uri, at(6, 7)), build);
    deepEqualRanges(definition(model, uri, at(11, 14)), build);
    deepEqualRanges(definition(model, uri, at(11, 17)), build, 'the end of the name counts');
    deepEqualRanges(definition(model, uri, at(12, 18)), [{ uri, range: range(6, 14, 6, 18) }]);
  });

  it('goes from a variable to its ARG/ENV definitions in the scope that applies', () => {
    deepEqualRanges(texts(definition(model, uri, at(2, 7))), ['0:BASE']);
    // ARG VERSION without a value in the stage takes the global default: both are definitions.
    deepEqualRanges(texts(definition(model, uri, at(4, 22))), ['1:VERSION', '3:VERSION']);
    // A stage built FROM build sees build's ENV.
    deepEqualRanges(texts(definition(model, uri, at(8, 17))), ['4:OUT']);
    // An unrelated stage has its own VERSION.
    deepEqualRanges(texts(definition(model, uri, at(11, 20))), ['10:VERSION']);
    deepEqualRanges(definition(model, uri, at(5, 36)), [], 'not on a plain word');
  });

  it('finds references with or without the declaration', () => {
    deepEqualRanges(texts(references(model, uri, at(2, 15), true)), ['2:build', '6:build', '11:build']);
    deepEqualRanges(texts(references(model, uri, at(2, 15), false)), ['6:build', '11:build']);
    deepEqualRanges(texts(references(model, uri, at(4, 5), true)), ['4:OUT', '5:OUT', '7:OUT', '8:OUT']);
  });

  it('highlights definitions as writes and uses as reads', () => {
    deepEqualRanges(documentHighlight(model, at(6, 16)), [
      { range: range(6, 14, 6, 18), kind: 3 },
      { range: range(12, 17, 12, 21), kind: 2 },
    ]);
  });

  it('renames a stage everywhere it is referenced', () => {
    deepEqualRanges(prepareRename(model, at(11, 13)), { range: range(11, 12, 11, 17), placeholder: 'build' });
    const edit = rename(model, uri, at(11, 13), 'compile')!;
    const renamed = applyEdits(text, edit.changes![uri]);
    assert.match(renamed, /FROM \$BASE AS compile\n/);
    assert.match(renamed, /FROM compile AS test\n/);
    assert.match(renamed, /COPY --from=compile \$VERSION/);
    assert.match(renamed, /--mount=from=test,/);
  });

  it('keeps numeric stage references when renaming a stage', () => {
    const numeric = parseDockerfile('FROM a AS one\nFROM b\nCOPY --from=0 /x /x\nCOPY --from=one /y /y');
    deepEqualRanges(texts(references(numeric, uri, at(0, 11), true), numeric.text), ['0:one', '2:0', '3:one']);
    deepEqualRanges(rename(numeric, uri, at(0, 11), 'first')!.changes![uri].map((e) => e.range.start.line), [0, 3]);
  });

  it('renames a variable in its scope only, and refuses invalid names and undefined variables', () => {
    const edit = rename(model, uri, at(3, 5), 'APP_VERSION')!;
    const renamed = applyEdits(text, edit.changes![uri]).split('\n');
    deepEqualRanges([renamed[1], renamed[3], renamed[4], renamed[10], renamed[11]],
      ['ARG APP_VERSION=1', 'ARG APP_VERSION', 'ENV OUT=/out/app-${APP_VERSION}', 'ARG VERSION=2', 'COPY --from=build $VERSION /bin/']);
    assert.throws(() => rename(model, uri, at(3, 5), '1bad'), ResponseError);
    assert.throws(() => rename(model, uri, at(2, 16), 'Bad Name'), ResponseError);
    const path = parseDockerfile('FROM a\nRUN echo $PATH');
    assert.equal(prepareRename(path, at(1, 11)), undefined);
    assert.equal(rename(path, uri, at(1, 11), 'X'), null);
  });

  it('links heredoc delimiters: highlight, definition and rename (quotes and tab stripping kept)', () => {
    const source = 'FROM a\nRUN <<EOF cat <<-"END"\necho EOF\nEOF\n\tEND\nCOPY <<E"O"F /x\nbody\nEOF\n';
    const heredocs = parseDockerfile(source);
    deepEqualRanges(documentHighlight(heredocs, at(3, 1)), [{ range: range(1, 6, 1, 9), kind: 3 }, { range: range(3, 0, 3, 3), kind: 2 }]);
    deepEqualRanges(definition(heredocs, uri, at(4, 2)), [{ uri, range: range(1, 18, 1, 21) }]);
    const renamed = applyEdits(source, rename(heredocs, uri, at(1, 19), 'DONE')!.changes![uri]);
    assert.equal(renamed, source.replace('"END"', '"DONE"').replace('\tEND', '\tDONE'));
    assert.equal(prepareRename(heredocs, at(5, 8)), undefined, 'a partly quoted delimiter is left alone');
    assert.throws(() => rename(heredocs, uri, at(1, 7), 'not valid'), ResponseError);
  });

  it('shares variables with a stage chosen through a global ARG (FROM $BASE)', () => {
    const viaArg = parseDockerfile('ARG BASE=build\nFROM alpine AS build\nENV HOME_DIR=/h\nFROM $BASE\nRUN ls $HOME_DIR');
    deepEqualRanges(texts(definition(viaArg, uri, at(4, 9)), viaArg.text), ['2:HOME_DIR']);
  });
});
