import * as assert from 'node:assert/strict';
import { deepEqualRanges } from '../../harness/plainRanges';
import { hover } from '../../../server/features/hover';
import { range, withCursor } from './helpers';

function hoverAt(marked: string): { text: string; range: unknown } | null {
  const { model, position } = withCursor(marked);
  const result = hover(model, position);
  return result && { text: (result.contents as { value: string }).value, range: result.range };
}

describe('hover', () => {
  it('documents instructions (also ONBUILD triggers) with usage and a reference link', () => {
    const h = hoverAt('FROM a\nCO|PY x y');
    assert.ok(h!.text.startsWith('**COPY**\n\n```dockerfile\nCOPY [--from='), h!.text);
    assert.match(h!.text, /\[Reference\]\(https:\/\/docs\.docker\.com\/reference\/dockerfile\/#copy\)/);
    deepEqualRanges(h!.range, range(1, 0, 1, 4));
    deepEqualRanges(hoverAt('FROM a\nONBUILD RU|N make')!.range, range(1, 8, 1, 11));
    assert.match(hoverAt('FROM a\nONBU|ILD RUN make')!.text, /^\*\*ONBUILD\*\*/);
  });

  it('documents flags, mount types and mount keys', () => {
    const flag = hoverAt('FROM a\nRUN --netw|ork=none true');
    assert.match(flag!.text, /^\*\*--network\*\*/);
    assert.match(flag!.text, /Values: `default`, `none`, `host`/);
    deepEqualRanges(flag!.range, range(1, 4, 1, 18));
    assert.match(hoverAt('FROM a\nRUN --mount=type=se|cret,id=npm true')!.text, /^\*\*type=secret\*\*/);
    const key = hoverAt('FROM a\nRUN --mount=type=cache,shar|ing=locked true');
    assert.match(key!.text, /^\*\*sharing\*\* \(cache mount\)/);
    assert.match(key!.text, /Default: `shared`/);
    deepEqualRanges(key!.range, range(1, 23, 1, 30));
  });

  it('documents parser directives', () => {
    assert.match(hoverAt('# esc|ape=`\nFROM a')!.text, /^\*\*# escape\*\*/);
  });

  it('shows the value of a variable at that point', () => {
    const text = 'ARG V=1\nFROM a\nARG V\nENV X=${V}-2\nRUN echo $X\nENV X=3';
    assert.equal(hoverAt(text.replace('echo $X', 'echo $|X'))!.text, '`X`: ENV = 1-2\n\nDefined on line 4.');
    assert.equal(hoverAt(text.replace('ENV X=3', 'ENV |X=3'))!.text, '`X`: ENV = 3\n\nDefined on line 6.');
    assert.equal(hoverAt(text.replace('${V}', '${|V}'))!.text, '`V`: ARG = 1\n\nDefined on line 3.');
    assert.match(hoverAt('FROM a\nRUN echo $HO|ME')!.text, /base image may define it/);
    assert.match(hoverAt('FROM scratch\nCOPY $NO|PE /x')!.text, /is not defined here/);
    assert.match(hoverAt('FROM --platform=$BUILD|PLATFORM a')!.text, /^`BUILDPLATFORM`: predefined ARG = linux\/amd64\n\nPlatform of the node/);
  });

  it('describes stages where they are defined and referenced', () => {
    const text = 'FROM golang:1.22 AS build\nRUN go build\nFROM --platform=linux/arm64 build AS test\nFROM scratch\nCOPY --from=te|st /a /a';
    const h = hoverAt(text);
    assert.equal(h!.text, '**Stage `test`** (index 1, line 3)\n\nBuilt from stage `build` for `linux/arm64`, 1 instruction.\n\nUsed by #2.');
    deepEqualRanges(h!.range, range(4, 12, 4, 16));
    assert.match(hoverAt(text.replace('AS build', 'AS bu|ild').replace('te|st', 'test'))!.text, /Built from image `golang:1\.22`, 2 instructions\.\n\nUsed by `test`\./);
  });

  it('describes the build checks named in # check=', () => {
    const h = hoverAt('# check=skip=JSONArgs|Recommended,StageNameCasing\nFROM a');
    assert.match(h!.text, /^\*\*JSONArgsRecommended\*\* \(build check\)\n\n.+\n\n\[Documentation\]\(https:\/\/docs\.docker\.com\/go\/dockerfile\/rule\/json-args-recommended\/\)$/);
    deepEqualRanges(h!.range, range(0, 13, 0, 32));
    assert.match(hoverAt('FROM a\n# check=skip=Undefined|Var\nRUN x')!.text, /^\*\*UndefinedVar\*\*/);
    assert.equal(hoverAt('# che|ck=skip=UndefinedVar\nFROM a')?.text.includes('UndefinedVar') ?? false, false);
  });

  it('shows the base a FROM $ARG expands to', () => {
    assert.match(hoverAt('ARG IMG=node:20\nFROM $IMG AS a|pp')!.text, /Built from image `node:20`/);
  });

  it('links a base image to its registry page', () => {
    deepEqualRanges(hoverAt('FROM node:2|0-alpine'), { text: '**Base image** `node:20-alpine`\n\n[Registry page](https://hub.docker.com/_/node)', range: range(0, 5, 0, 19) });
    assert.match(hoverAt('FROM scr|atch')!.text, /the empty image/);
  });

  it('returns null on plain arguments and blank lines', () => {
    assert.equal(hoverAt('FROM a\nRUN ec|ho hi'), null);
    assert.equal(hoverAt('FROM a\n|\nRUN x'), null);
  });
});
