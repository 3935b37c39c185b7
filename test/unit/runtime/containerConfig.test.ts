// Pure parts of container creation: users read from the rootfs, command/env rules, networking
// rules, commit --change instructions, json-file log reading.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyChanges } from '../../../engine/runtime/containers/commit';
import { readLogs } from '../../../engine/runtime/containers/logs';
import { commandOf, mergeEnv, networkOf } from '../../../engine/runtime/containers/processConfig';
import { resolveUser } from '../../../engine/image/layer';
import { JsonFileLog } from '../../../engine/runtime/monitor/jsonFileLog';
import { removeDir, tempDir } from '../../harness/services';

describe('container config', () => {
  let dir: string;
  before(() => {
    dir = tempDir('ctrcfg');
    fs.mkdirSync(path.join(dir, 'rootfs/etc'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'rootfs/etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n');
    fs.writeFileSync(path.join(dir, 'rootfs/etc/group'), 'root:x:0:\napp:x:1000:\nwheel:x:10:app\n');
  });
  after(() => removeDir(dir));

  it('resolves users and groups by reading the rootfs files', async () => {
    const root = path.join(dir, 'rootfs');
    assert.deepEqual(await resolveUser(root, ''), { uid: 0, gid: 0, additionalGids: [], home: '/root' });
    assert.deepEqual(await resolveUser(root, 'app'), { uid: 1000, gid: 1000, additionalGids: [10], home: '/home/app' });
    assert.deepEqual(await resolveUser(root, 'app:wheel'), { uid: 1000, gid: 10, additionalGids: [], home: '/home/app' });
    assert.equal((await resolveUser(root, '4242:4343')).gid, 4343);
    await assert.rejects(resolveUser(root, 'nobody-here'), /unable to find user nobody-here/);
    await assert.rejects(resolveUser(root, 'app:nogroup'), /unable to find group nogroup/);
  });

  it('combines Entrypoint and Cmd like Docker', () => {
    const image = { Entrypoint: ['/entry'], Cmd: ['default'] };
    assert.deepEqual(commandOf({}, image), ['/entry', 'default']);
    assert.deepEqual(commandOf({ Cmd: ['x'] }, image), ['/entry', 'x']);
    assert.deepEqual(commandOf({ Entrypoint: ['sh'] }, image), ['sh'], 'a given entrypoint drops the image Cmd');
    assert.deepEqual(commandOf({ Entrypoint: [''], Cmd: ['ls'] }, image), ['ls']);
    assert.throws(() => commandOf({}, {}), /No command specified/);
  });

  it('merges env with container values winning and fills PATH, HOSTNAME, HOME', () => {
    const env = mergeEnv(['A=1', 'B=2'], ['B=3'], 'box', '/root');
    assert.deepEqual(env, ['HOSTNAME=box', 'A=1', 'B=3', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/root']);
  });

  it('runs on host or none networking and says why port remapping is refused', () => {
    assert.equal(networkOf({}).network, 'host');
    assert.equal(networkOf({ NetworkMode: 'none' }).network, 'none');
    assert.throws(() => networkOf({ NetworkMode: 'mynet' }), /supports --network host and --network none/);
    assert.throws(() => networkOf({ PortBindings: { '80/tcp': [{ HostPort: '8080' }] } }), /container's port 80 IS host port 80/);
    assert.match(networkOf({ PortBindings: { '80/tcp': [{ HostPort: '80' }] } }).warnings[0], /host network/);
    assert.throws(() => networkOf({ NetworkMode: 'none', PortBindings: { '80/tcp': [{ HostPort: '80' }] } }), /no network/);
  });

  it('applies commit --change instructions', () => {
    const c = applyChanges({ Env: ['A=1'] }, ['CMD ["cat", "/f"]', 'ENV A=2 B="x y"', 'LABEL k=v', 'EXPOSE 80', 'WORKDIR /w', 'USER app', 'ENTRYPOINT /run.sh']);
    assert.deepEqual(c.Cmd, ['cat', '/f']);
    assert.deepEqual(c.Env, ['A=2', 'B=x y']);
    assert.deepEqual(c.Labels, { k: 'v' });
    assert.deepEqual(c.ExposedPorts, { '80/tcp': {} });
    assert.equal(c.WorkingDir, '/w');
    assert.equal(c.User, 'app');
    assert.deepEqual(c.Entrypoint, ['/bin/sh', '-c', '/run.sh']);
    assert.throws(() => applyChanges({}, ['RUN rm -rf /']), /not a valid change command/);
  });

  it('writes and reads json-file logs with stream selection and tail', async () => {
    const file = path.join(dir, 'c-json.log');
    const log = new JsonFileLog(file);
    log.write('stdout', Buffer.from('one\ntw'));
    log.write('stderr', Buffer.from('err\n'));
    log.write('stdout', Buffer.from('o\nthree'));
    log.close();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { log: string; stream: string; time: string });
    assert.deepEqual(lines.map((l) => [l.stream, l.log]), [['stdout', 'one\n'], ['stderr', 'err\n'], ['stdout', 'two\n'], ['stdout', 'three']]);
    assert.match(lines[0].time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    const collect = async (o: Parameters<typeof readLogs>[1]) => { const out: string[] = []; for await (const l of readLogs(file, o)) out.push(l.log); return out; };
    assert.deepEqual(await collect({ stdout: true, stderr: false }), ['one\n', 'two\n', 'three']);
    assert.deepEqual(await collect({ stdout: true, stderr: true, tail: 2 }), ['two\n', 'three']);
    assert.deepEqual(await collect({ stdout: false, stderr: true }), ['err\n']);
    assert.deepEqual(await collect({ stdout: true, stderr: true, since: Date.now() / 1000 + 60 }), []);
  });
});
