import * as assert from 'node:assert/strict';
import { parseChallenges, repositoryScope, validateRealm } from '../../../engine/registry';

describe('registry auth challenges and realm policy', () => {
  it('parses bearer and basic challenges, quoted and unquoted, several in one header', () => {
    assert.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'), [
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
    ]);
    assert.deepEqual(parseChallenges('Basic realm="dockwright-test"'), [{ scheme: 'basic', params: { realm: 'dockwright-test' } }]);
    assert.deepEqual(parseChallenges('Basic realm=x, Bearer realm="https://a/t", error="insufficient_scope"'), [
      { scheme: 'basic', params: { realm: 'x' } },
      { scheme: 'bearer', params: { realm: 'https://a/t', error: 'insufficient_scope' } },
    ]);
    assert.deepEqual(parseChallenges('Bearer realm="https://a/t\\"x"'), [{ scheme: 'bearer', params: { realm: 'https://a/t"x' } }]);
    assert.deepEqual(parseChallenges(null), []);
  });

  it('builds scopes like Docker', () => {
    assert.equal(repositoryScope('library/busybox', ['pull']), 'repository:library/busybox:pull');
    assert.equal(repositoryScope('me/app', ['pull', 'push']), 'repository:me/app:pull,push');
  });

  it('accepts an https token server of another host (Docker Hub style)', () => {
    assert.equal(validateRealm('https://auth.docker.io/token', 'https://registry-1.docker.io').host, 'auth.docker.io');
    assert.equal(validateRealm('http://127.0.0.1:5000/token', 'http://127.0.0.1:5000').port, '5000');
  });

  const refused: Array<[string, string, RegExp]> = [
    ['http://auth.example.com/token', 'https://registry.example.com', /must use https/],
    ['http://registry.example.com/token', 'https://registry.example.com', /must use https/],
    ['https://127.0.0.1/token', 'https://registry.example.com', /loopback, private or link-local/],
    ['https://10.1.2.3/token', 'https://registry.example.com', /loopback, private or link-local/],
    ['https://192.168.0.1/token', 'https://registry.example.com', /loopback, private or link-local/],
    ['https://169.254.169.254/latest/meta-data', 'https://registry.example.com', /loopback, private or link-local/],
    ['https://[::1]/token', 'https://registry.example.com', /loopback, private or link-local/],
    ['https://localhost/token', 'https://registry.example.com', /loopback, private or link-local/],
    ['http://127.0.0.2:9/token', 'http://127.0.0.1:5000', /must use https/],
    ['https://user:pw@auth.example.com/token', 'https://registry.example.com', /embedded credentials/],
    ['not a url', 'https://registry.example.com', /invalid token realm/],
    ['file:///etc/passwd', 'https://registry.example.com', /must use https/],
  ];
  for (const [realm, registry, message] of refused) {
    it(`refuses realm ${realm} for ${registry}`, () => {
      assert.throws(() => validateRealm(realm, registry), message);
    });
  }
});
