import * as assert from 'node:assert/strict';
import { deepEqualRanges } from '../../harness/plainRanges';
import { ScopeModel, expandWord, parseDockerfile, scopeAt, type Instruction } from '../../../engine/dockerfile/index';

const doc = [
  'ARG VERSION=1.0', //                      0
  'ARG BASE', //                             1
  'ARG UNUSED=x', //                         2
  'FROM alpine:${VERSION} AS build', //      3
  'ARG VERSION', //                          4
  'ARG TARGETARCH', //                       5
  'ARG OWN=own-${VERSION}', //               6
  'ENV abc=hello', //                        7
  'ENV abc=bye def=$abc', //                 8
  'ENV OWN=from-env', //                     9
  'RUN echo $abc', //                        10
  'FROM build AS child', //                  11
  'RUN true', //                             12
  'FROM scratch', //                         13
  'COPY --from=build /a /b', //              14
].join('\n');

describe('dockerfile/expand: ARG and ENV scopes', () => {
  const model = parseDockerfile(doc);
  const at = (line: number): Instruction => model.instructions.find((i) => i.range.start.line === line)!;

  it('global ARGs and platform ARGs are the FROM scope, unset ones only declared', () => {
    const s = new ScopeModel(model);
    assert.equal(s.scopeBefore(at(3)).env.get('VERSION'), '1.0');
    assert.equal(s.scopeBefore(at(3)).env.get('TARGETARCH'), 'amd64');
    assert.equal(s.scopeBefore(at(3)).env.get('TARGETPLATFORM'), 'linux/amd64');
    assert.ok(s.scopeBefore(at(3)).vars.has('BASE'));
    assert.equal(s.scopeBefore(at(3)).env.has('BASE'), false);
    assert.equal(expandWord('alpine:${VERSION}', s.scopeBefore(at(3)).env).value, 'alpine:1.0');
  });

  it('global ARGs are invisible in a stage until re-declared, which inherits the global default', () => {
    const s = new ScopeModel(model);
    const first = s.scopeBefore(at(4));
    assert.equal(first.vars.has('VERSION'), false);
    assert.equal(first.vars.has('TARGETARCH'), false);
    assert.equal(first.vars.has('UNUSED'), false);
    const after = s.scopeBefore(at(6));
    assert.equal(after.env.get('VERSION'), '1.0');
    assert.equal(after.vars.get('VERSION')!.kind, 'arg');
    deepEqualRanges(after.vars.get('VERSION')!.range, { start: { line: 4, character: 4 }, end: { line: 4, character: 11 } });
    assert.equal(after.env.get('TARGETARCH'), 'amd64');
    assert.equal(s.scopeBefore(at(7)).env.get('OWN'), 'own-1.0');
  });

  it('--build-arg overrides defaults and the global value; platforms are configurable', () => {
    const s = new ScopeModel(model, {
      buildArgs: { VERSION: '2.0', OWN: 'cli' },
      targetPlatform: { os: 'linux', arch: 'arm', variant: 'v7' },
    });
    assert.equal(s.global.env.get('VERSION'), '2.0');
    assert.equal(s.scopeBefore(at(7)).env.get('VERSION'), '2.0');
    assert.equal(s.scopeBefore(at(7)).env.get('OWN'), 'cli');
    assert.equal(s.scopeBefore(at(7)).vars.get('OWN')!.kind, 'build-arg');
    assert.equal(s.scopeBefore(at(7)).env.get('TARGETARCH'), 'arm');
    assert.equal(s.global.env.get('TARGETPLATFORM'), 'linux/arm/v7');
    assert.equal(s.global.env.get('BUILDVARIANT'), 'v7');
  });

  it('one environment per instruction, ENV beats ARG', () => {
    const s = new ScopeModel(model);
    const after8 = s.scopeAfter(at(8));
    assert.equal(after8.env.get('abc'), 'bye');
    assert.equal(after8.env.get('def'), 'hello');
    const after9 = s.scopeAfter(at(9));
    assert.equal(after9.env.get('OWN'), 'from-env');
    assert.equal(after9.vars.get('OWN')!.kind, 'env');
  });

  it('a stage FROM an earlier stage inherits its ENV and ARGs; image stages have unknown env', () => {
    const s = new ScopeModel(model);
    const child = s.scopeBefore(at(12));
    assert.equal(child.env.get('abc'), 'bye');
    assert.equal(child.env.get('VERSION'), '1.0');
    assert.equal(child.baseEnvUnknown, true);
    const scratch = s.scopeBefore(at(14));
    assert.equal(scratch.baseEnvUnknown, false);
    assert.equal(scratch.vars.has('abc'), false);
    assert.equal(scratch.vars.get('PATH')!.kind, 'base-image');
  });

  it('uses the base image Env when the builder provides it', () => {
    const s = new ScopeModel(model, { baseImageEnv: (st) => (st.index === 0 ? ['PATH=/bin', 'HOME=/root'] : undefined) });
    const sc = s.scopeBefore(at(4));
    assert.equal(sc.baseEnvUnknown, false);
    assert.equal(sc.env.get('HOME'), '/root');
    assert.equal(sc.vars.get('HOME')!.kind, 'base-image');
  });

  it('proxy ARGs are defined everywhere without declaration and take build-arg values', () => {
    const s = new ScopeModel(model, { buildArgs: { HTTP_PROXY: 'http://proxy:3128' } });
    assert.equal(s.scopeBefore(at(10)).env.get('HTTP_PROXY'), 'http://proxy:3128');
    assert.ok(s.scopeBefore(at(14)).vars.has('no_proxy'));
    assert.equal(s.scopeBefore(at(14)).env.has('no_proxy'), false);
  });

  it('scopeAt: inside an instruction its own scope, between instructions the scope after', () => {
    assert.equal(scopeAt(model, { line: 8, character: 18 }).env.get('abc'), 'hello');
    assert.equal(scopeAt(model, { line: 0, character: 0 }).vars.has('VERSION'), false);
    assert.equal(scopeAt(model, { line: 3, character: 0 }).env.get('VERSION'), '1.0');
    const m2 = parseDockerfile('FROM a\nENV X=1\n\n\nRUN x');
    assert.equal(scopeAt(m2, { line: 2, character: 0 }).env.get('X'), '1');
  });

  it('ARG without value and no build arg is declared but unset', () => {
    const m = parseDockerfile('FROM scratch\nARG V\nENV W=${V-unset}');
    const s = new ScopeModel(m);
    assert.ok(s.scopeAfter(m.instructions[1]).vars.has('V'));
    assert.equal(s.scopeAfter(m.instructions[2]).env.get('W'), 'unset');
  });

  it('global defaults can use platform ARGs and earlier global ARGs; stage defaults see ENV', () => {
    const m = parseDockerfile('ARG A=x\nARG IMG=alpine-${TARGETARCH}-$A\nFROM $IMG\nENV E=1\nARG D=${E}2\nARG IMG\nRUN true');
    const s = new ScopeModel(m, { targetPlatform: { os: 'linux', arch: 'arm64' } });
    assert.equal(s.global.env.get('IMG'), 'alpine-arm64-x');
    assert.equal(expandWord(m.stages[0].from.image!.text, s.scopeBefore(m.stages[0].from).env).value, 'alpine-arm64-x');
    const run = s.scopeBefore(m.instructions[6]);
    assert.equal(run.env.get('D'), '12');
    assert.equal(run.env.get('IMG'), 'alpine-arm64-x');
    assert.equal(run.vars.has('A'), false);
  });

  it('ONBUILD triggers are expanded in the scope of their ONBUILD line', () => {
    const m = parseDockerfile('FROM scratch\nENV X=1\nONBUILD ENV Y=$X\nENV X=2');
    const s = new ScopeModel(m);
    const onbuild = m.instructions[2];
    assert.ok(onbuild.kind === 'ONBUILD' && onbuild.trigger);
    assert.equal(s.scopeBefore(onbuild.trigger).env.get('X'), '1');
    assert.equal(s.scopeAfter(m.instructions[3]).vars.has('Y'), false);
  });

  it('resolves FROM $VAR to an earlier stage after expanding global ARGs', () => {
    const m = parseDockerfile('ARG BASE=build\nARG IMG=alpine\nFROM scratch AS build\nENV FROM_BUILD=1\nFROM $BASE\nRUN a\nFROM ${IMG}:3\nFROM $NOPE');
    const s = new ScopeModel(m);
    deepEqualRanges(s.resolvedBase(m.stages[1]), { kind: 'stage', stageIndex: 0 });
    deepEqualRanges(s.resolvedBase(m.stages[2]), { kind: 'image', image: 'alpine:3' });
    deepEqualRanges(s.resolvedBase(m.stages[3]), { kind: 'image', image: '' });
    assert.equal(s.scopeBefore(m.instructions[5]).env.get('FROM_BUILD'), '1');
    deepEqualRanges(new ScopeModel(m, { buildArgs: { BASE: 'other' } }).resolvedBase(m.stages[1]), { kind: 'image', image: 'other' });
  });
});
