// RUN's network: the request's networkmode is the default, RUN --network overrides it, host
// networking only when the build was asked for it (an entitlement, as in BuildKit).
import assert from 'node:assert/strict';
import { runNetwork } from '../../../engine/build/builder';
import { stepResolvConf } from '../../../engine/build/resolvConf';

describe('build: RUN network', () => {
  it('defaults to the request, which the docker CLI sends as default/bridge/none/host', () => {
    for (const m of [undefined, '', 'default', 'bridge']) assert.equal(runNetwork(undefined, m), 'default');
    assert.equal(runNetwork(undefined, 'none'), 'none');
    assert.equal(runNetwork(undefined, 'host'), 'host');
  });

  it('RUN --network overrides it; host only with the entitlement', () => {
    assert.equal(runNetwork('none', undefined), 'none');
    assert.equal(runNetwork('default', 'none'), 'default');
    assert.equal(runNetwork('host', 'host'), 'host');
    assert.throws(() => runNetwork('host', undefined), /network.host entitlement: build with --network=host/);
    assert.throws(() => runNetwork('host', 'none'), /entitlement/);
  });

  it('refuses what it cannot do, clearly', () => {
    assert.throws(() => runNetwork(undefined, 'container:abc'), /network mode "container:abc" is not supported/);
    assert.throws(() => runNetwork('sandbox', undefined), /unsupported network mode sandbox/);
  });
});

describe('build: RUN resolv.conf', () => {
  it('the default (isolated) network drops loopback and IPv6 nameservers, keeps the rest', () => {
    assert.equal(stepResolvConf('private', 'search lan\nnameserver 127.0.0.1\nnameserver 192.0.2.53\nnameserver fd00::1\noptions ndots:2\n'),
      'search lan\nnameserver 192.0.2.53\noptions ndots:2\n');
  });

  it('with only loopback resolvers it points at slirp4netns\' forwarder, which asks the host\'s', () => {
    assert.equal(stepResolvConf('private', 'nameserver 127.0.0.11\noptions edns0\n'), 'options edns0\nnameserver 10.0.2.3\n');
    assert.equal(stepResolvConf('private', ''), 'nameserver 10.0.2.3\n');
  });

  it('systemd-resolved\'s stub: its upstream file is used, as BuildKit does', () => {
    const upstream = 'nameserver 198.51.100.1\n';
    assert.equal(stepResolvConf('private', 'nameserver 127.0.0.53\n', upstream), upstream);
    assert.equal(stepResolvConf('host', 'nameserver 127.0.0.53\n', upstream), upstream);
  });

  it('host and none keep the host\'s file as it is', () => {
    assert.equal(stepResolvConf('host', 'nameserver 127.0.0.1\n'), 'nameserver 127.0.0.1\n');
    assert.equal(stepResolvConf('none', 'nameserver 10.0.0.1\n'), 'nameserver 10.0.0.1\n');
  });
});
