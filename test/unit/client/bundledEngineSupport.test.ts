// The bundled engine needs Linux: on macOS and Windows the extension says so (once) and points to the
// `dockwright.engine` setting instead of trying to start it.
import * as assert from 'node:assert/strict';
import { bundledEngineUnsupportedReason } from '../../../client/engine/bundledEngineSupport';

describe('bundled engine platform check', () => {
  it('allows Linux', () => {
    assert.equal(bundledEngineUnsupportedReason('linux'), undefined);
  });

  for (const [platform, name] of [['darwin', 'macOS'], ['win32', 'Windows']] as const) {
    it(`explains on ${name} that it needs Linux and offers the docker setting`, () => {
      const reason = bundledEngineUnsupportedReason(platform);
      assert.ok(reason, `no message on ${platform}`);
      assert.match(reason, new RegExp(`needs Linux .*cannot run on ${name}`));
      assert.match(reason, /"dockwright\.engine" to "docker"/);
    });
  }

  it('refuses other non-Linux platforms too', () => {
    assert.match(bundledEngineUnsupportedReason('freebsd') ?? '', /needs Linux.*freebsd/);
  });
});
