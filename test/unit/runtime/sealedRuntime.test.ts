// The v1 view's read-only runtime (engine/runtime/executor/cgroupView.ts): inside the view the
// runtime runs from a read-only bind of itself with _LIBCONTAINER_CLONED_BINARY set, so crun and
// runc skip re-executing themselves; the bind lives only in the view's mount namespace.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cgroupMode, inV1View, sealedRuntime } from '../../../engine/runtime/executor/cgroupView';
import { removeDir, tempDir } from '../../harness/services';

describe('v1 view: the runtime from a read-only bind of itself', function () {
  this.timeout(20000);
  let dir: string;
  before(function () {
    if (process.getuid?.() !== 0) this.skip(); // mount namespaces need root; the rootless paths do not use this
    dir = tempDir('sealed runtime'); // a space in the path: fstab fields are escaped
  });
  after(() => dir && removeDir(dir));

  it('escapes the fstab fields and keeps the mount point an empty file', () => {
    const sealed = sealedRuntime('/bin/sh', path.join(dir, 'view'));
    const fstab = fs.readFileSync(sealed.fstab, 'utf8');
    assert.match(fstab, /^dockwright-v1-view \/sys\/fs\/cgroup\/unified tmpfs size=256k,mode=0755 0 0$/m);
    assert.ok(fstab.includes(`/bin/sh ${sealed.boundAt.replace(/ /g, '\\040')} none bind,ro 0 0`), fstab);
    assert.equal(fs.statSync(sealed.boundAt).size, 0);
  });

  it('runs argv[0] from the read-only bind with _LIBCONTAINER_CLONED_BINARY=1, the tmpfs over cgroup2, nothing left on the host', function () {
    if (cgroupMode() !== 'hybrid') this.skip(); // the view covers /sys/fs/cgroup/unified, which only hybrid hosts have
    const sealed = sealedRuntime('/bin/sh', path.join(dir, 'view'));
    const script = [
      'echo "exe=$(readlink /proc/$$/exe)"',
      'echo "env=$_LIBCONTAINER_CLONED_BINARY"',
      'grep -q " /sys/fs/cgroup/unified .* - tmpfs dockwright-v1-view " /proc/self/mountinfo && echo tmpfs=yes',
      // the bind is read-only: writing to it fails even as root
      'if (: > "$1") 2>/dev/null; then echo writable=yes; else echo writable=no; fi',
    ].join('; ');
    const argv = inV1View(['/bin/sh', '-c', script, 'sh', sealed.boundAt], sealed);
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^env=1$/m);
    assert.match(r.stdout, /^tmpfs=yes$/m);
    assert.match(r.stdout, /^writable=no$/m);
    // the shell was started from the bind (its /proc/self/exe is the read-only file)
    assert.match(r.stdout, new RegExp(`^exe=${sealed.boundAt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    assert.ok(!fs.readFileSync('/proc/self/mountinfo', 'utf8').includes(sealed.boundAt.replace(/ /g, '\\040')), 'the bind must not reach the host');
  });

  it('leaves other commands alone (only the sealed binary is redirected)', () => {
    const sealed = sealedRuntime('/bin/sh', path.join(dir, 'view'));
    assert.deepEqual(inV1View(['/bin/true'], sealed).slice(-2), ['sh', '/bin/true']);
  });
});
