import * as assert from 'node:assert/strict';
import type { CompletionItem } from 'vscode-languageserver';
import { completion } from '../../../server/features/completion';
import { range, withCursor } from './helpers';

function complete(marked: string, images: string[] = []): CompletionItem[] {
  const { model, position } = withCursor(marked);
  return completion(model, position, { snippets: true, images });
}
const labels = (marked: string, images?: string[]) => complete(marked, images).map((i) => i.label);
const edit = (item: CompletionItem | undefined) => item?.textEdit && 'range' in item.textEdit ? item.textEdit : undefined;

describe('completion', () => {
  describe('instruction keywords', () => {
    it('offers only FROM and ARG before the first FROM, as snippets replacing what is typed', () => {
      const items = complete('# syntax=docker/dockerfile:1\nFR|');
      assert.deepEqual(items.map((i) => i.filterText), ['FROM', 'FROM', 'ARG']);
      assert.deepEqual(edit(items[1]), { range: range(1, 0, 1, 2), newText: 'FROM ${1:image} AS ${2:name}' });
      assert.equal(items[0].insertTextFormat, 2);
    });

    it('offers every instruction but MAINTAINER where an instruction may start in a stage', () => {
      const names = new Set(complete('FROM a\n|').map((i) => i.filterText));
      assert.deepEqual([...names].sort(), ['ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);
    });

    it('replaces the whole keyword under the cursor', () => {
      const run = complete('FROM a\nRU|N echo').find((i) => i.filterText === 'RUN');
      assert.deepEqual(edit(run), { range: range(1, 0, 1, 3), newText: 'RUN ${1:command}' });
    });

    it('offers plain keywords to clients without snippet support', () => {
      const { model, position } = withCursor('FROM a\nRU|');
      const run = completion(model, position, { snippets: false, images: [] }).find((i) => i.label === 'RUN');
      assert.deepEqual(edit(run), { range: range(1, 0, 1, 2), newText: 'RUN ' });
      assert.equal(run?.insertTextFormat, 1);
    });

    it('offers ONBUILD triggers (no FROM, ONBUILD or MAINTAINER) after ONBUILD', () => {
      const names = new Set(labels('FROM a\nONBUILD |').map((l) => l.split(' ')[0]));
      assert.ok(names.has('RUN') && names.has('COPY'));
      assert.ok(!names.has('FROM') && !names.has('ONBUILD') && !names.has('MAINTAINER'));
    });

    it('offers nothing inside arguments of RUN, on continuation lines or in heredoc bodies', () => {
      assert.deepEqual(complete('FROM a\nRUN echo |'), []);
      assert.deepEqual(complete('FROM a\nRUN echo \\\n  |'), []);
      assert.deepEqual(complete('FROM a\nRUN <<EOF\n|\nEOF'), []);
      assert.deepEqual(complete('FROM a\nRUN echo \\\n# |\n  b'), []);
    });
  });

  describe('flags', () => {
    it('offers the flags of the instruction, with = for valued flags and without used ones', () => {
      assert.deepEqual(labels('FROM a\nCOPY --|'), ['--from', '--chown', '--chmod', '--link', '--exclude', '--parents']);
      assert.deepEqual(labels('FROM a\nCOPY --link --from=x --|'), ['--chown', '--chmod', '--exclude', '--parents']);
      assert.deepEqual(labels('FROM a\nCOPY --exclude=x --ex|').filter((l) => l === '--exclude'), ['--exclude'], 'repeatable');
      const items = complete('FROM a\nCOPY --l|');
      assert.deepEqual(edit(items.find((i) => i.label === '--link')), { range: range(1, 5, 1, 8), newText: '--link' });
      assert.deepEqual(edit(items.find((i) => i.label === '--from')), { range: range(1, 5, 1, 8), newText: '--from=' });
    });

    it('offers flags on a continuation line', () => {
      assert.deepEqual(labels('FROM a\nCOPY \\\n  --l|'), ['--from', '--chown', '--chmod', '--link', '--exclude', '--parents']);
    });

    it('offers no flags after the first argument', () => {
      assert.deepEqual(complete('FROM a\nCOPY src --|'), []);
    });

    it('offers flag values: enums, booleans, platforms, HEALTHCHECK flags', () => {
      assert.deepEqual(labels('FROM a\nRUN --network=|'), ['default', 'none', 'host']);
      assert.deepEqual(labels('FROM a\nRUN --security=i|'), ['sandbox', 'insecure']);
      assert.deepEqual(labels('FROM a\nCOPY --link=|'), ['true', 'false']);
      assert.deepEqual(labels('FROM --platform=|').slice(0, 3), ['$BUILDPLATFORM', 'linux/amd64', 'linux/arm64']);
      assert.deepEqual(labels('FROM a\nHEALTHCHECK --|'), ['--interval', '--timeout', '--start-period', '--start-interval', '--retries']);
      assert.deepEqual(edit(complete('FROM a\nRUN --network=n|')[0]), { range: range(1, 14, 1, 15), newText: 'default' });
    });

    it('offers mount keys of the mount type, mount types and key values', () => {
      assert.deepEqual(labels('FROM a\nRUN --mount=|'), ['type', 'target', 'source', 'from', 'rw']);
      assert.deepEqual(labels('FROM a\nRUN --mount=type=cache,target=/x,|'), ['id', 'ro', 'sharing', 'from', 'source', 'mode', 'uid', 'gid']);
      assert.deepEqual(labels('FROM a\nRUN --mount=type=|'), ['bind', 'cache', 'tmpfs', 'secret', 'ssh']);
      assert.deepEqual(labels('FROM a\nRUN --mount=type=cache,sharing=|'), ['shared', 'private', 'locked']);
      assert.deepEqual(labels('FROM a\nRUN --mount=type=secret,id=x,required=|'), ['true', 'false']);
      assert.deepEqual(labels('FROM a\nRUN --mount=type=ssh,dst=/s,|').includes('target'), false, 'an alias counts as the key');
      assert.deepEqual(edit(complete('FROM a\nRUN --mount=type=cache,sh|').find((i) => i.label === 'sharing')), { range: range(1, 23, 1, 25), newText: 'sharing=' });
    });
  });

  describe('stages and images', () => {
    const stages = 'FROM golang AS build\nFROM alpine AS test\n';
    it('offers only earlier named stages after --from= and from=', () => {
      assert.deepEqual(labels(`${stages}COPY --from=|`), ['build'], 'not the stage itself');
      assert.deepEqual(labels(`${stages}FROM scratch\nCOPY --from=|`), ['build', 'test']);
      assert.deepEqual(labels('FROM golang AS build\nCOPY --from=|\nFROM alpine AS later'), []);
      assert.deepEqual(labels(`${stages}FROM scratch\nRUN --mount=type=bind,from=|`), ['build', 'test']);
      assert.deepEqual(edit(complete(`${stages}COPY --from=bu|`)[0]), { range: range(2, 12, 2, 14), newText: 'build' });
    });

    it('offers earlier stages, scratch, and the images the client pushed in FROM', () => {
      assert.deepEqual(labels(`${stages}FROM |`, ['nginx:1.27']), ['--platform', 'build', 'test', 'scratch', 'nginx:1.27']);
      assert.deepEqual(labels('FROM |\nFROM a AS later'), ['--platform', 'scratch']);
      assert.deepEqual(labels('FROM a |'), ['AS']);
      assert.deepEqual(labels('FROM a AS |'), []);
    });
  });

  describe('variables', () => {
    it('offers the variables visible at the cursor with their values, after $ and ${', () => {
      const text = 'ARG G=1\nFROM a\nARG V=2\nENV E=$V-x\nRUN echo ${|\nENV LATER=1';
      const items = complete(text);
      const user = items.filter((i) => !i.sortText!.startsWith('1'));
      assert.deepEqual(user.map((i) => [i.label, i.detail]), [['V', 'ARG = 2'], ['E', 'ENV = 2-x']]);
      assert.deepEqual(edit(user[0]), { range: range(4, 11, 4, 11), newText: 'V}' });
      assert.ok(items.some((i) => i.label === 'HTTP_PROXY'), 'proxy ARGs are always usable');
      assert.ok(!items.some((i) => i.label === 'G' || i.label === 'LATER'));
    });

    it('offers global and platform ARGs in FROM, and does not add a second brace', () => {
      const items = complete('ARG TAG=3.20\nFROM alpine:${T|}');
      const tag = items.find((i) => i.label === 'TAG');
      assert.deepEqual(edit(tag), { range: range(1, 14, 1, 15), newText: 'TAG' });
      assert.equal(tag?.detail, 'ARG = 3.20');
      assert.ok(items.some((i) => i.label === 'TARGETARCH' && i.detail === 'predefined ARG = amd64'));
    });

    it('offers variables in heredoc bodies and nothing after an escaped $ or inside single quotes', () => {
      assert.ok(labels('FROM a\nENV X=1\nRUN <<EOF\necho $|\nEOF').includes('X'));
      assert.deepEqual(complete('FROM a\nENV X=1\nRUN echo \\$|'), []);
      assert.deepEqual(complete("FROM a\nENV X=1\nRUN echo '$|"), []);
    });
  });

  describe('other argument values', () => {
    it('offers HEALTHCHECK modes, signals, WORKDIR paths used before, and ARG names', () => {
      assert.deepEqual(labels('FROM a\nHEALTHCHECK --interval=5s |'), ['--timeout', '--start-period', '--start-interval', '--retries', 'CMD', 'NONE']);
      assert.deepEqual(labels('FROM a\nHEALTHCHECK --interval=5s C|'), ['CMD', 'NONE']);
      assert.ok(labels('FROM a\nSTOPSIGNAL |').includes('SIGTERM'));
      assert.deepEqual(labels('FROM a\nWORKDIR /app\nWORKDIR /src\nWORKDIR /app\nWORKDIR |\nWORKDIR /later'), ['/app', '/src']);
      const args = labels('ARG VERSION=1\nFROM a\nARG |');
      assert.equal(args[0], 'VERSION');
      assert.ok(args.includes('TARGETARCH') && args.includes('SOURCE_DATE_EPOCH'));
    });
  });

  describe('parser directives and check', () => {
    it('offers directives not yet present, only in the header', () => {
      assert.deepEqual(labels('# syntax=docker/dockerfile:1\n# |'), ['escape=', 'check=']);
      assert.deepEqual(complete('FROM a\n# |'), []);
      assert.deepEqual(labels('# escape=|'), ['\\', '`']);
      assert.deepEqual(labels('# syntax=|'), ['docker/dockerfile:1', 'docker/dockerfile:1-labs', 'docker/dockerfile-upstream:master']);
    });

    it('offers check keys, rule names (not those listed) and error values, also above an instruction', () => {
      assert.deepEqual(labels('# check=|'), ['skip=', 'error=', 'experimental=']);
      assert.deepEqual(labels('# check=skip=all;|'), ['skip=', 'error=', 'experimental=']);
      assert.deepEqual(labels('# check=error=|'), ['true', 'false']);
      const skip = labels('# check=skip=JSONArgsRecommended,|');
      assert.ok(skip.includes('UndefinedVar') && !skip.includes('JSONArgsRecommended') && !skip.includes('all'));
      assert.ok(labels('FROM a\n# check=skip=|\nCMD x').includes('JSONArgsRecommended'));
      assert.deepEqual(labels('FROM a\n# ch|'), ['check=skip=']);
      const item = complete('# check=skip=Undef|').find((i) => i.label === 'UndefinedVar');
      assert.deepEqual(edit(item), { range: range(0, 13, 0, 18), newText: 'UndefinedVar' });
    });
  });
});
