// `# check=` directive and per-instruction comments, severities, dedupe, skip quick fixes.
import * as assert from 'node:assert/strict';
import { parseDockerfile } from '../../../engine/dockerfile';
import { lint, parseCheckOptions } from '../../../engine/dockerfile/lint';
import { applyEdits } from './table';

const codes = (text: string, options = {}) => lint(parseDockerfile(text), options).map((p) => `${p.code}:${p.severity}`);

describe('lint: # check= and severities', () => {
  it('parses check options like BuildKit', () => {
    const ok = parseCheckOptions(' skip = A, B ; error = true ; experimental=all');
    assert.ok('options' in ok);
    assert.deepEqual([...ok.options.skip], ['A', 'B']);
    assert.equal(ok.options.error, true);
    assert.equal(ok.options.experimentalAll, true);
    assert.deepEqual(parseCheckOptions('nope'), { error: 'invalid check option "nope"' });
  });

  it('skips rules listed at file level, and all with skip=all', () => {
    assert.deepEqual(codes('# check=skip=StageNameCasing\nFROM alpine:3 AS Build\n'), []);
    assert.deepEqual(codes('# check=skip=all\nFROM alpine:3 AS Build\nENV a b\n'), []);
    assert.deepEqual(codes('FROM alpine:3 AS Build\n'), ['StageNameCasing:warning']);
  });

  it('skips rules listed in the comment block above an instruction only for it', () => {
    const text = 'FROM alpine:3\n# check=skip=LegacyKeyValueFormat because\n# more text\nENV a b\nENV c d\n';
    const found = lint(parseDockerfile(text));
    assert.deepEqual(found.map((p) => [p.code, p.range.start.line]), [['LegacyKeyValueFormat', 4]]);
  });

  it('lets the BUILDKIT_DOCKERFILE_CHECK build arg replace the directive', () => {
    assert.deepEqual(codes('# check=skip=StageNameCasing\nFROM alpine:3 AS Build\n', { buildArgs: { BUILDKIT_DOCKERFILE_CHECK: 'error=true' } }), ['StageNameCasing:error']);
    assert.deepEqual(codes('FROM alpine:3 AS Build\n', { buildArgs: { BUILDKIT_DOCKERFILE_CHECK: 'skip=all' } }), []);
  });

  it('does not let # check=skip hide build errors', () => {
    assert.deepEqual(codes('# check=skip=all\nFROM alpine:3\nRUNN x\n'), ['UnknownInstruction:error']);
  });

  it('turns check warnings into errors with error=true, but not best practices', () => {
    assert.deepEqual(codes('# check=error=true\nFROM alpine:3 AS Build\nRUN sudo x\n'), ['StageNameCasing:error', 'SudoInRun:information']);
  });

  it('applies per-rule severity settings, including off', () => {
    assert.deepEqual(codes('FROM alpine:3 AS Build\n', { severities: { StageNameCasing: 'hint' } }), ['StageNameCasing:hint']);
    assert.deepEqual(codes('FROM alpine:3 AS Build\n', { severities: { StageNameCasing: 'off' } }), []);
    assert.deepEqual(codes('FROM alpine:3\nRUN apt-get install -y x=1 && rm -rf /var/lib/apt/lists/*\n', { severities: { AptGetNoInstallRecommends: 'error' } }), ['AptGetNoInstallRecommends:error']);
  });

  it('offers per-instruction and file-level skip fixes for checks', () => {
    const text = 'FROM alpine:3\n  ENV a b\n';
    const p = lint(parseDockerfile(text)).find((x) => x.code === 'LegacyKeyValueFormat')!;
    const local = p.fixes.find((f) => f.title.includes('this instruction'))!;
    const file = p.fixes.find((f) => f.title.includes('this file'))!;
    assert.equal(applyEdits(text, local.edits), 'FROM alpine:3\n  # check=skip=LegacyKeyValueFormat\n  ENV a b\n');
    assert.equal(applyEdits(text, file.edits), '# check=skip=LegacyKeyValueFormat\nFROM alpine:3\n  ENV a b\n');
    const after = applyEdits(text, local.edits);
    assert.deepEqual(lint(parseDockerfile(after)).map((x) => x.code), []);
  });

  it('extends existing check comments instead of adding new ones', () => {
    const text = '# check=error=true\nFROM alpine:3\n# check=skip=StageNameCasing\nENV a b\n';
    const p = lint(parseDockerfile(text)).find((x) => x.code === 'LegacyKeyValueFormat')!;
    const local = p.fixes.find((f) => f.title.includes('this instruction'))!;
    const file = p.fixes.find((f) => f.title.includes('this file'))!;
    assert.equal(applyEdits(text, local.edits), '# check=error=true\nFROM alpine:3\n# check=skip=StageNameCasing,LegacyKeyValueFormat\nENV a b\n');
    assert.equal(applyEdits(text, file.edits), '# check=skip=LegacyKeyValueFormat;error=true\nFROM alpine:3\n# check=skip=StageNameCasing\nENV a b\n');
  });

  it('offers no per-instruction skip right below the parser directives (it would become a directive)', () => {
    const p = lint(parseDockerfile('# syntax=docker/dockerfile:1\nFROM alpine:3 AS Build\n')).find((x) => x.code === 'StageNameCasing')!;
    assert.deepEqual(p.fixes.map((f) => f.title), ["Rename stage to 'build'", 'Skip StageNameCasing in this file (# check=skip)']);
  });

  it('reports each condition once', () => {
    const found = lint(parseDockerfile('FROM alpine:3\nEXPOSE 80/TCP 80/TCP\nENV a b\n'));
    const keys = found.map((p) => `${p.code}@${p.range.start.line}:${p.range.start.character}`);
    assert.equal(new Set(keys).size, keys.length);
  });
});
