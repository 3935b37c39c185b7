// Finding the init of `docker run --init` on this host: by absolute path, statically linked only
// (it runs inside the container's filesystem), real binaries of the system.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { findInitBinary, isStaticElf } from '../../../engine/runtime/containers/initBinary';
import { requireBinary } from '../../harness/services';

describe('init binary (--init)', () => {
  it('tells static executables from dynamic ones and from non-ELF files', () => {
    const tiniStatic = requireBinary('tini-static', 'tini');
    assert.equal(isStaticElf(tiniStatic), true);
    assert.equal(isStaticElf(requireBinary('tini', 'tini')), false, 'tini (dynamic) needs the host libc');
    assert.equal(isStaticElf('/bin/sh'), false);
    assert.equal(isStaticElf('/etc/passwd'), false);
    assert.equal(isStaticElf('/nonexistent'), false);
  });

  it('takes the first static candidate, by its real path, and skips dynamic or missing ones', () => {
    const tiniStatic = fs.realpathSync(requireBinary('tini-static', 'tini'));
    assert.equal(findInitBinary(['/nonexistent/docker-init', requireBinary('tini', 'tini'), '/usr/bin/docker-init', tiniStatic]), tiniStatic);
    assert.equal(findInitBinary(['/nonexistent/docker-init', '/bin/sh']), undefined);
    // the default list finds the host's docker-init (docker.io) or tini-static
    assert.equal(findInitBinary(), tiniStatic);
  });
});
