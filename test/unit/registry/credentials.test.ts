import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configKey, credentialsFromDockerConfig, decodeRegistryAuth, DOCKER_HUB_CONFIG_KEY } from '../../../engine/registry';

describe('registry credentials', () => {
  let dir: string;
  let binDir: string;
  let oldPath: string | undefined;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-creds-'));
    binDir = path.join(dir, 'bin');
    fs.mkdirSync(binDir);
    // a real credential helper process speaking Docker's protocol: server URL on stdin, JSON out
    fs.writeFileSync(path.join(binDir, 'docker-credential-test'), `#!/bin/sh
[ "$1" = get ] || exit 2
read -r url
echo "$url" >> "${dir}/helper.log"
case "$url" in
  helper.example.com) echo '{"ServerURL":"helper.example.com","Username":"hu","Secret":"hs"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"https://index.docker.io/v1/","Username":"<token>","Secret":"refresh-tok"}' ;;
  store.example.com) echo '{"ServerURL":"store.example.com","Username":"su","Secret":"ss"}' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`, { mode: 0o755 });
    fs.writeFileSync(path.join(binDir, 'docker-credential-broken'), '#!/bin/sh\necho "boom"; exit 3\n', { mode: 0o755 });
    oldPath = process.env.PATH;
    process.env.PATH = `${binDir}:${process.env.PATH}`;
  });
  after(() => {
    process.env.PATH = oldPath;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const writeConfig = (cfg: object) => {
    const cfgDir = fs.mkdtempSync(path.join(dir, 'cfg-'));
    fs.writeFileSync(path.join(cfgDir, 'config.json'), JSON.stringify(cfg));
    return cfgDir;
  };

  it('decodes X-Registry-Auth (base64url JSON, any key case, auth field)', () => {
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    assert.deepEqual(decodeRegistryAuth(enc({ username: 'u', password: 'p>?', serveraddress: 'r' })), {
      username: 'u', password: 'p>?', serveraddress: 'r', auth: undefined, email: undefined, identitytoken: undefined, registrytoken: undefined,
    });
    assert.equal(decodeRegistryAuth(enc({ Username: 'U', Password: 'P' }))?.username, 'U');
    assert.equal(decodeRegistryAuth(enc({ auth: Buffer.from('x:y:z').toString('base64') }))?.password, 'y:z');
    assert.equal(decodeRegistryAuth(enc({})), undefined);
    assert.equal(decodeRegistryAuth(''), undefined);
    assert.equal(decodeRegistryAuth('!!!not-json'), undefined);
  });

  it('maps Docker Hub hosts to the legacy index key', () => {
    for (const h of ['docker.io', 'index.docker.io', 'registry-1.docker.io']) assert.equal(configKey(h), DOCKER_HUB_CONFIG_KEY);
    assert.equal(configKey('ghcr.io'), 'ghcr.io');
  });

  it('reads auths entries (base64 auth, URL-style keys)', async () => {
    const cfg = writeConfig({ auths: {
      'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw').toString('base64') },
      'https://reg.example.com/v2/': { auth: Buffer.from('r:s').toString('base64') },
      'tok.example.com': { identitytoken: 'idt' },
    } });
    assert.deepEqual(await credentialsFromDockerConfig(DOCKER_HUB_CONFIG_KEY, cfg), { auth: Buffer.from('hub:pw').toString('base64'), username: 'hub', password: 'pw', serveraddress: DOCKER_HUB_CONFIG_KEY });
    assert.equal((await credentialsFromDockerConfig('reg.example.com', cfg))?.username, 'r');
    assert.equal((await credentialsFromDockerConfig('tok.example.com', cfg))?.identitytoken, 'idt');
    assert.equal(await credentialsFromDockerConfig('none.example.com', cfg), undefined);
    assert.equal(await credentialsFromDockerConfig('x', path.join(dir, 'no-such-dir')), undefined);
  });

  it('uses credHelpers first, then credsStore, then auths (Docker order) through a real helper process', async () => {
    const cfg = writeConfig({
      credHelpers: { 'helper.example.com': 'test' },
      credsStore: 'test',
      auths: { 'helper.example.com': { auth: Buffer.from('file:file').toString('base64') }, 'fallback.example.com': { auth: Buffer.from('fu:fp').toString('base64') } },
    });
    assert.deepEqual(await credentialsFromDockerConfig('helper.example.com', cfg), { username: 'hu', password: 'hs', serveraddress: 'helper.example.com' });
    assert.deepEqual(await credentialsFromDockerConfig('store.example.com', cfg), { username: 'su', password: 'ss', serveraddress: 'store.example.com' });
    // the store has nothing for it: fall back to auths
    assert.equal((await credentialsFromDockerConfig('fallback.example.com', cfg))?.username, 'fu');
    // `<token>` user means an identity token; Docker Hub is asked by its index URL
    assert.deepEqual(await credentialsFromDockerConfig(DOCKER_HUB_CONFIG_KEY, cfg), { identitytoken: 'refresh-tok', serveraddress: DOCKER_HUB_CONFIG_KEY });
    const log = fs.readFileSync(path.join(dir, 'helper.log'), 'utf8');
    assert.match(log, /^helper\.example\.com$/m);
    assert.match(log, /^https:\/\/index\.docker\.io\/v1\/$/m);
  });

  it('reports a failing or missing helper clearly', async () => {
    await assert.rejects(credentialsFromDockerConfig('x.example.com', writeConfig({ credsStore: 'broken' })), /docker-credential-broken get failed: boom/);
    await assert.rejects(credentialsFromDockerConfig('x.example.com', writeConfig({ credsStore: 'absent' })), /docker-credential-absent not found in PATH/);
    await assert.rejects(credentialsFromDockerConfig('x.example.com', writeConfig({ credsStore: '../evil' })), /invalid credential helper name/);
  });
});
