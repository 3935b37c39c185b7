import * as assert from 'node:assert/strict';
import { familiarName, familiarString, parseDockerRef, parseReference, referenceString } from '../../../engine/image';

describe('image references (Docker rules)', () => {
  const ok: Array<[string, string, string]> = [
    // input, fully qualified ParseDockerRef string, familiar string
    ['busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['index.docker.io/library/busybox:x', 'docker.io/library/busybox:x', 'busybox:x'],
    ['user/app', 'docker.io/user/app:latest', 'user/app:latest'],
    ['user/app/sub:v1', 'docker.io/user/app/sub:v1', 'user/app/sub:v1'],
    ['localhost:5000/x', 'localhost:5000/x:latest', 'localhost:5000/x:latest'],
    ['localhost/x:1', 'localhost/x:1', 'localhost/x:1'],
    ['127.0.0.1:5000/a/b:t', '127.0.0.1:5000/a/b:t', '127.0.0.1:5000/a/b:t'],
    ['ghcr.io/o/r', 'ghcr.io/o/r:latest', 'ghcr.io/o/r:latest'],
    ['Registry.Example.com/x', 'Registry.Example.com/x:latest', 'Registry.Example.com/x:latest'],
    ['[::1]:5000/x', '[::1]:5000/x:latest', '[::1]:5000/x:latest'],
    ['a__b-c---e.f', 'docker.io/library/a__b-c---e.f:latest', 'a__b-c---e.f:latest'],
    [`busybox@sha256:${'a'.repeat(64)}`, `docker.io/library/busybox@sha256:${'a'.repeat(64)}`, `busybox@sha256:${'a'.repeat(64)}`],
    // a digest wins over a tag (ParseDockerRef)
    [`busybox:1@sha256:${'b'.repeat(64)}`, `docker.io/library/busybox@sha256:${'b'.repeat(64)}`, `busybox@sha256:${'b'.repeat(64)}`],
  ];
  for (const [input, full, familiar] of ok) {
    it(`parses ${input}`, () => {
      const r = parseDockerRef(input);
      assert.equal(referenceString(r), full);
      assert.equal(familiarString(r), familiar);
    });
  }

  const bad: Array<[string, string]> = [
    ['Busybox', 'invalid reference format: repository name (library/Busybox) must be lowercase'],
    ['user/App:1', 'invalid reference format: repository name (user/App) must be lowercase'],
    ['', 'invalid reference format'],
    ['a__b.c/f', 'invalid reference format'],
    ['a b', 'invalid reference format'],
    ['busybox:', 'invalid reference format'],
    ['busybox:-bad', 'invalid reference format'],
    ['-x', 'invalid reference format'],
    ['x//y', 'invalid reference format'],
    [`busybox:${'t'.repeat(129)}`, 'invalid reference format'],
    ['a'.repeat(64), `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`],
    ['busybox@sha256:abc', 'invalid reference format'],
    [`x/${'a'.repeat(250)}`, 'invalid reference format: repository name must not be more than 255 characters'],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`, () => {
      assert.throws(() => parseReference(input), { message });
    });
  }

  it('keeps the tag absent without ParseDockerRef and gives Docker familiar names', () => {
    const r = parseReference('localhost:5000/team/app');
    assert.equal(r.tag, undefined);
    assert.equal(r.domain, 'localhost:5000');
    assert.equal(r.path, 'team/app');
    assert.equal(familiarName(parseReference('docker.io/library/a/b')), 'library/a/b');
    assert.equal(familiarName(parseReference('nginx')), 'nginx');
  });
});
