import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openImageStore, type ImageStore } from '../../../engine/image';
import { login, pull, push, RegistryError } from '../../../engine/registry';
import { pushBusyboxImage } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { removeDir, tempDir } from '../../harness/services';

describe('registry client with htpasswd basic auth (real docker-registry)', function () {
  this.timeout(120000);
  let reg: TestRegistry;
  let dir: string;
  let store: ImageStore;
  const good = { username: 'alice', password: 's3cret' };
  before(async () => {
    reg = await startRegistry({ auth: good });
    await pushBusyboxImage(reg.host, 'private/app', 'v1', { creds: 'alice:s3cret' });
  });
  after(async () => { await reg?.stop(); });
  beforeEach(() => {
    dir = tempDir('s-auth');
    store = openImageStore(path.join(dir, 'root'));
  });
  afterEach(() => removeDir(dir));

  it('pulls and pushes with credentials from X-Registry-Auth', async () => {
    const r = await pull(`${reg.host}/private/app:v1`, store, { auth: good, dockerConfigDir: false });
    await store.tag(r.id, `${reg.host}/private/copy:v1`);
    const p = await push(`${reg.host}/private/copy:v1`, store, { auth: good, dockerConfigDir: false });
    assert.ok(Object.values(p.blobs).includes('mounted'), JSON.stringify(p.blobs));
  });

  it('pulls with credentials from config.json auths', async () => {
    fs.mkdirSync(path.join(dir, 'cfg'));
    fs.writeFileSync(path.join(dir, 'cfg/config.json'), JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from('alice:s3cret').toString('base64') } } }));
    const r = await pull(`${reg.host}/private/app:v1`, store, { dockerConfigDir: path.join(dir, 'cfg') });
    assert.match(r.id, /^sha256:/);
  });

  it('pulls with credentials from a credential helper process named by credsStore', async () => {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'docker-credential-dwtest'), `#!/bin/sh\nread -r url\n[ "$url" = "${reg.host}" ] || { echo "credentials not found in native keychain"; exit 1; }\necho '{"ServerURL":"${reg.host}","Username":"alice","Secret":"s3cret"}'\n`, { mode: 0o755 });
    fs.mkdirSync(path.join(dir, 'cfg'));
    fs.writeFileSync(path.join(dir, 'cfg/config.json'), JSON.stringify({ credsStore: 'dwtest' }));
    const oldPath = process.env.PATH;
    process.env.PATH = `${bin}:${oldPath}`;
    try {
      const r = await pull(`${reg.host}/private/app:v1`, store, { dockerConfigDir: path.join(dir, 'cfg') });
      assert.match(r.id, /^sha256:/);
    } finally {
      process.env.PATH = oldPath;
    }
  });

  it('wrong or missing credentials give a clear unauthorized error', async () => {
    await assert.rejects(pull(`${reg.host}/private/app:v1`, store, { auth: { username: 'alice', password: 'wrong' }, dockerConfigDir: false }),
      (e: RegistryError) => e.kind === 'unauthorized' && /unauthorized/.test(e.message) && e.message.includes('private/app'));
    await assert.rejects(pull(`${reg.host}/private/app:v1`, store, { dockerConfigDir: false }), (e: RegistryError) => e.kind === 'unauthorized');
    assert.deepEqual(await store.list(), []);
  });

  it('login checks credentials', async () => {
    await login(reg.host, good);
    await assert.rejects(login(reg.host, { username: 'alice', password: 'nope' }), (e: RegistryError) => e.kind === 'unauthorized');
  });
});
