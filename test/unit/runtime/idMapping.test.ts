// Subordinate id ranges and the container ↔ host id arithmetic of rootless containers.
import assert from 'node:assert/strict';
import { containerId, inUserNamespace, parseSubordinateIds, type IdMapping } from '../../../engine/runtime/executor/idMapping';

describe('rootless id mapping', () => {
  it('reads the first valid range of a user, by name or by uid', () => {
    const text = 'other:100000:65536\n# comment\nbad:x:1\nme:0:10\nme:200000:65536\n1234:300000:1000\nme:400000:5\n';
    assert.deepEqual(parseSubordinateIds(text, { name: 'me', id: 1 }), { start: 200000, count: 65536 });
    assert.deepEqual(parseSubordinateIds(text, { name: 'nobody-here', id: 1234 }), { start: 300000, count: 1000 });
    assert.equal(parseSubordinateIds(text, { name: 'missing', id: 9 }), undefined);
    assert.equal(parseSubordinateIds('', { name: 'me', id: 1 }), undefined);
  });

  const m: IdMapping = { uid: 1001, gid: 1002, subuid: { start: 100000, count: 65536 }, subgid: { start: 200000, count: 1000 } };

  it('maps host ids back to container ids (nobody outside the mapping)', () => {
    assert.equal(containerId(m, 'uid', 1001), 0);
    assert.equal(containerId(m, 'uid', 100000), 1);
    assert.equal(containerId(m, 'uid', 100999), 1000);
    assert.equal(containerId(m, 'uid', 165535), 65536);
    assert.equal(containerId(m, 'uid', 165536), 65534);
    assert.equal(containerId(m, 'gid', 1002), 0);
    assert.equal(containerId(m, 'gid', 200999), 1000);
    assert.equal(containerId(m, 'gid', 201000), 65534);
    assert.equal(containerId(m, 'uid', 0), 65534);
  });

  it('builds the unshare command: the user as root, the range from 1, argv after --', () => {
    assert.deepEqual(inUserNamespace(m, ['/bin/true'], ['--mount']), ['/usr/bin/unshare', '--user', '--map-root-user', '--map-users=100000,1,65536', '--map-groups=200000,1,1000', '--mount', '--', '/bin/true']);
  });
});
