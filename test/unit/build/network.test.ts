// RUN's network: the request's networkmode is the default, RUN --network overrides it, host
// networking only when the build was asked for it (an entitlement, as in BuildKit).
import assert from 'node:assert/strict';
import { runNetwork } from '../../../engine/build/builder';

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
