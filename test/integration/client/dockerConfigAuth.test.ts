// The extension reuses the docker CLI's credentials: config.json `auths`, `credHelpers` and
// `credsStore`, with a real credential-helper executable speaking the helper protocol.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dockerConfigAuth } from '../../../client/registries/dockerConfigAuth';
import { removeDir, tempDir } from '../../harness/services';

describe('docker CLI credentials (config.json and credential helpers)', () => {
  let dir: string;
  const originalPath = process.env.PATH;

  before(() => {
    dir = tempDir('docker-config');
    // A credential helper: `docker-credential-dwtest get` reads the server URL on stdin.
    fs.writeFileSync(path.join(dir, 'docker-credential-dwtest'), '#!/bin/sh\nread url\nprintf \'{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret-for-%s"}\' "$url" "$url"\n', { mode: 0o755 });
    process.env.PATH = `${dir}:${originalPath}`;
  });

  after(() => {
    process.env.PATH = originalPath;
    removeDir(dir);
  });

  const write = (config: unknown) => {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify(config));
    return file;
  };

  it('decodes `auths` entries, with Docker Hub under its legacy index URL', async () => {
    const file = write({ auths: {
      'registry.example.com': { auth: Buffer.from('alice:s3cret:with:colons').toString('base64') },
      'https://index.docker.io/v1/': { auth: Buffer.from('hubuser:hubpass').toString('base64') },
    } });
    assert.deepEqual(await dockerConfigAuth('registry.example.com', file), { username: 'alice', password: 's3cret:with:colons', serveraddress: 'registry.example.com' });
    assert.deepEqual(await dockerConfigAuth('docker.io', file), { username: 'hubuser', password: 'hubpass', serveraddress: 'https://index.docker.io/v1/' });
    assert.equal(await dockerConfigAuth('other.example.com', file), undefined);
  });

  it('asks the registry\'s credHelper, else the credsStore', async () => {
    const file = write({ credHelpers: { 'helped.example.com': 'dwtest' } });
    assert.deepEqual(await dockerConfigAuth('helped.example.com', file), { username: 'helper-user', password: 'helper-secret-for-helped.example.com', serveraddress: 'helped.example.com' });
    const store = write({ credsStore: 'dwtest' });
    assert.equal((await dockerConfigAuth('any.example.com', store))?.password, 'helper-secret-for-any.example.com');
  });

  it('falls back to `auths` when the helper is missing or fails', async () => {
    const file = write({ credsStore: 'does-not-exist', auths: { 'r.example.com': { auth: Buffer.from('bob:pw').toString('base64') } } });
    assert.equal((await dockerConfigAuth('r.example.com', file))?.username, 'bob');
  });
});
