import * as assert from 'node:assert/strict';
import { parseDockerfile } from '../../../engine/dockerfile';
import { foldingRanges } from '../../../server/features/foldingRanges';

describe('foldingRanges', () => {
  it('folds stages, multi-line instructions, heredocs and comment blocks', () => {
    const model = parseDockerfile([
      '# one', //             0
      '# two', //             1
      'FROM alpine AS a', //  2
      'RUN apk add \\', //     3
      '    curl', //          4
      'COPY <<EOF <<EOF2 /x/', //5
      'first', //             6
      'EOF', //               7
      'second', //            8
      'EOF2', //              9
      '# single', //          10
      'FROM a', //            11
      'USER 1000', //         12
    ].join('\n'));
    assert.deepEqual(foldingRanges(model), [
      { startLine: 0, endLine: 1, kind: 'comment' },
      { startLine: 2, endLine: 9 },
      { startLine: 3, endLine: 4 },
      { startLine: 5, endLine: 9 },
      { startLine: 7, endLine: 9 },
      { startLine: 11, endLine: 12 },
    ]);
  });

  it('returns nothing for one-line content', () => {
    assert.deepEqual(foldingRanges(parseDockerfile('FROM scratch')), []);
  });
});
