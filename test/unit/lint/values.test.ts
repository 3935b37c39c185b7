// Value grammars the build errors rely on: Go durations, image references, EXPOSE specs, signals, platforms.
import * as assert from 'node:assert/strict';
import { parseGoDuration } from '../../../engine/dockerfile/lint/values/duration';
import { parsePlatform } from '../../../engine/dockerfile/lint/values/platform';
import { validatePortSpec } from '../../../engine/dockerfile/lint/values/port';
import { parseImageReference } from '../../../engine/dockerfile/lint/values/reference';
import { isValidSignal } from '../../../engine/dockerfile/lint/values/signal';

describe('lint: value grammars', () => {
  it('parses Go durations like time.ParseDuration', () => {
    assert.deepEqual(parseGoDuration('1m30s'), { ok: true, milliseconds: 90_000 });
    assert.deepEqual(parseGoDuration('1.5h'), { ok: true, milliseconds: 5_400_000 });
    assert.deepEqual(parseGoDuration('0'), { ok: true, milliseconds: 0 });
    assert.deepEqual(parseGoDuration('500ms'), { ok: true, milliseconds: 500 });
    assert.deepEqual(parseGoDuration('30'), { ok: false, message: 'time: missing unit in duration "30"' });
    assert.deepEqual(parseGoDuration('5d'), { ok: false, message: 'time: unknown unit "d" in duration "5d"' });
    assert.deepEqual(parseGoDuration(''), { ok: false, message: 'time: invalid duration ""' });
    assert.deepEqual(parseGoDuration('-1s'), { ok: true, milliseconds: -1000 });
  });

  it('parses image references with the distribution grammar', () => {
    assert.deepEqual(parseImageReference('alpine'), { name: 'alpine', tag: undefined, digest: undefined });
    assert.deepEqual(parseImageReference('localhost:5000/a/b:1.0'), { name: 'localhost:5000/a/b', tag: '1.0', digest: undefined });
    assert.ok(!('error' in parseImageReference(`ghcr.io/o/r@sha256:${'0'.repeat(64)}`)));
    assert.ok(!('error' in parseImageReference('[::1]:5000/x:y')));
    assert.deepEqual(parseImageReference('Alpine'), { error: 'invalid reference format: repository name must be lowercase' });
    assert.deepEqual(parseImageReference('a:b:c'), { error: 'invalid reference format' });
    assert.deepEqual(parseImageReference('a__-b'), { error: 'invalid reference format' });
    assert.deepEqual(parseImageReference(''), { error: 'invalid reference format: repository name must not be empty' });
  });

  it('validates EXPOSE specs like nat.ParsePortSpec', () => {
    for (const ok of ['80', '80/tcp', '53/UDP', '132/sctp', '8000-8010', '127.0.0.1:80:80', '8080:80', '[::1]:80:80/tcp']) assert.equal(validatePortSpec(ok), undefined, ok);
    assert.equal(validatePortSpec('80/http')?.kind, 'proto');
    assert.equal(validatePortSpec('65536')?.kind, 'port');
    assert.equal(validatePortSpec('90-80')?.kind, 'port');
    assert.equal(validatePortSpec('a:b:c:d')?.kind, 'port');
  });

  it('accepts the signals moby accepts', () => {
    for (const ok of ['SIGTERM', 'TERM', 'sigkill', '9', 'SIGRTMIN+3', 'RTMAX-2']) assert.ok(isValidSignal(ok), ok);
    for (const bad of ['SIGFOO', '0', '65', 'RTMIN+16']) assert.ok(!isValidSignal(bad), bad);
  });

  it('parses platforms like containerd', () => {
    assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64', variant: 'v8' });
    assert.deepEqual(parsePlatform('windows'), { os: 'windows', architecture: 'amd64' });
    assert.deepEqual(parsePlatform('arm64'), { os: 'linux', architecture: 'arm64' });
    assert.equal(parsePlatform('linux/nope'), undefined);
    assert.equal(parsePlatform('a/b/c/d'), undefined);
  });
});
