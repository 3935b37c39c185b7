// Remote engines for real, through the extension's Engine API client (engine/api/client): a Docker
// Engine over TCP with TLS client certificates (openssl-generated CA, server and client certs), the
// same through a docker context in ~/.docker/contexts, DOCKER_HOST, and a Docker Engine over SSH
// (Debian's openssh-server on loopback with a generated key; the remote runs `docker system dial-stdio`).
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildImage, createEngineClient, resolveEndpoint } from '../../../engine/api/client';
import { startDockerd, type TestDockerd } from '../../harness/dockerd';
import { busyboxRootfsTar } from '../../harness/images';
import { freePort, removeDir, requireBinary, spawnService, stopService, tail, tempDir, waitFor } from '../../harness/services';
import * as net from 'node:net';

const resolveIn = (setting: string, env: NodeJS.ProcessEnv, home = '/nonexistent') => resolveEndpoint(setting, { env, home, uid: 1000 });

/** CA, server (SAN 127.0.0.1) and client certificates in `dir` (ca.pem, server-*.pem, cert.pem/key.pem). */
function makeCertificates(dir: string): void {
  const openssl = requireBinary('openssl');
  const run = (args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: 'pipe' });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=dockwright-test-ca']);
  fs.writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  fs.writeFileSync(path.join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, cn, ext] of [['server', '127.0.0.1', 'server.ext'], ['client', 'dockwright-client', 'client.ext']]) {
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    run(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', `${name}-cert.pem`, '-days', '2', '-extfile', ext]);
  }
  fs.copyFileSync(path.join(dir, 'client-cert.pem'), path.join(dir, 'cert.pem'));
  fs.copyFileSync(path.join(dir, 'client-key.pem'), path.join(dir, 'key.pem'));
}

describe('remote engines through the Engine API client', function () {
  this.timeout(180000);
  let certs: string;
  let dockerd: TestDockerd;
  let tcpHost: string;

  before(async () => {
    certs = tempDir('tls');
    makeCertificates(certs);
    const port = await freePort();
    tcpHost = `tcp://127.0.0.1:${port}`;
    dockerd = await startDockerd({ extraArgs: ['--tlsverify', '--tlscacert', path.join(certs, 'ca.pem'), '--tlscert', path.join(certs, 'server-cert.pem'),
      '--tlskey', path.join(certs, 'server-key.pem'), '-H', tcpHost] });
    await dockerd.docker(['import', '-', 'remote-only:1'], { input: await busyboxRootfsTar() });
  });

  after(async () => {
    await dockerd?.stop();
    if (certs) removeDir(certs);
  });

  describe('tcp:// with TLS client certificates', () => {
    it('connects with DOCKER_TLS_VERIFY + DOCKER_CERT_PATH and lists the remote images', async () => {
      const endpoint = resolveIn(tcpHost, { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs });
      assert.equal(endpoint.kind, 'tcp');
      const docker = createEngineClient(endpoint);
      const images = await docker.listImages();
      assert.ok(images.some((i) => i.RepoTags?.includes('remote-only:1')));
    });

    it('is refused without a client certificate (the daemon verifies clients)', async () => {
      const empty = tempDir('tls-empty');
      try {
        fs.copyFileSync(path.join(certs, 'ca.pem'), path.join(empty, 'ca.pem'));
        const docker = createEngineClient(resolveIn(tcpHost, { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: empty }));
        await assert.rejects(docker.ping());
      } finally {
        removeDir(empty);
      }
    });

    it('builds over TLS with a tar context (.dockerignore applied)', async () => {
      const ctx = tempDir('tls-build');
      try {
        fs.writeFileSync(path.join(ctx, 'Dockerfile'), 'FROM remote-only:1\nCOPY . /ctx/\nRUN ls /ctx > /listing\n');
        fs.writeFileSync(path.join(ctx, 'keep.txt'), 'keep');
        fs.writeFileSync(path.join(ctx, 'secret.txt'), 'secret');
        fs.writeFileSync(path.join(ctx, '.dockerignore'), 'secret.txt\n');
        const docker = createEngineClient(resolveIn(tcpHost, { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }));
        const lines: string[] = [];
        const result = await buildImage(docker, { contextDir: ctx, dockerfile: 'Dockerfile', tag: 'remote-built:1' }, (m) => { if (m.stream) lines.push(m.stream); });
        assert.equal(result.error, undefined, lines.join(''));
        const { stdout } = await dockerd.docker(['run', '--rm', '--network', 'none', 'remote-built:1', 'cat', '/listing']);
        assert.ok(stdout.includes('keep.txt'));
        assert.ok(!stdout.includes('secret.txt'));
      } finally {
        removeDir(ctx);
      }
    });

    it('resolves `docker` through the current docker context (meta.json + TLS material) like the CLI', async () => {
      const home = tempDir('ctx-home');
      try {
        const id = createHash('sha256').update('remote-tls').digest('hex');
        const meta = path.join(home, '.docker/contexts/meta', id);
        const tls = path.join(home, '.docker/contexts/tls', id, 'docker');
        fs.mkdirSync(meta, { recursive: true });
        fs.mkdirSync(tls, { recursive: true });
        fs.writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: 'remote-tls', Metadata: {}, Endpoints: { docker: { Host: tcpHost, SkipTLSVerify: false } } }));
        for (const f of ['ca.pem', 'cert.pem', 'key.pem']) fs.copyFileSync(path.join(certs, f), path.join(tls, f));
        fs.writeFileSync(path.join(home, '.docker/config.json'), JSON.stringify({ currentContext: 'remote-tls' }));
        const endpoint = resolveIn('docker', {}, home);
        assert.equal(endpoint.url, tcpHost);
        assert.ok((await createEngineClient(endpoint).listImages()).some((i) => i.RepoTags?.includes('remote-only:1')));
        // DOCKER_HOST wins over the context, as with the CLI.
        assert.equal(resolveIn('docker', { DOCKER_HOST: dockerd.host }, home).url, dockerd.host);
        assert.throws(() => resolveIn('docker', { DOCKER_CONTEXT: 'missing' }, home), /docker context 'missing' not found/);
      } finally {
        removeDir(home);
      }
    });
  });

  describe('ssh://', () => {
    let sshDir: string;
    let sshd: ReturnType<typeof spawnService> | undefined;
    let sshPort: number;

    before(async () => {
      const sshdBin = requireBinary('sshd', 'openssh-server');
      const keygen = requireBinary('ssh-keygen', 'openssh-client');
      sshDir = tempDir('sshd');
      execFileSync(keygen, ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(sshDir, 'host_key')]);
      execFileSync(keygen, ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(sshDir, 'client_key')]);
      const pub = fs.readFileSync(path.join(sshDir, 'client_key.pub'), 'utf8').trim();
      // The remote shell finds this test's daemon through DOCKER_HOST (PermitUserEnvironment).
      fs.writeFileSync(path.join(sshDir, 'authorized_keys'), `environment="DOCKER_HOST=${dockerd.host}" ${pub}\n`, { mode: 0o600 });
      sshPort = await freePort();
      fs.writeFileSync(path.join(sshDir, 'sshd_config'), [
        `Port ${sshPort}`, 'ListenAddress 127.0.0.1', `HostKey ${path.join(sshDir, 'host_key')}`,
        `AuthorizedKeysFile ${path.join(sshDir, 'authorized_keys')}`, 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes', 'PermitRootLogin prohibit-password', 'PermitUserEnvironment yes', 'StrictModes no', 'UsePAM no',
        `PidFile ${path.join(sshDir, 'sshd.pid')}`, 'LogLevel ERROR', '',
      ].join('\n'));
      fs.mkdirSync('/run/sshd', { recursive: true }); // privilege separation directory sshd insists on
      const log = path.join(sshDir, 'sshd.log');
      sshd = spawnService(sshdBin, ['-D', '-e', '-f', path.join(sshDir, 'sshd_config')], log);
      await waitFor('sshd on loopback', () => new Promise<boolean>((resolve, reject) => {
        if (sshd!.exitCode !== null) return reject(new Error(`sshd exited: ${tail(log)}`));
        const s = net.connect(sshPort, '127.0.0.1', () => { s.destroy(); resolve(true); });
        s.on('error', () => resolve(false));
      }));
    });

    /** A known_hosts file in the test's ssh dir holding `lines`. */
    const knownHosts = (name: string, lines: string[]) => {
      const file = path.join(sshDir, name);
      fs.writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
      return file;
    };
    /** `[127.0.0.1]:port <type> <key>` for the server's host key (the line ssh-keyscan prints). */
    const hostKeyLine = () => `[127.0.0.1]:${sshPort} ${fs.readFileSync(path.join(sshDir, 'host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ')}`;
    const sshClient = (knownHostsFiles: string[], key = path.join(sshDir, 'client_key')) =>
      createEngineClient(resolveIn(`ssh://root@127.0.0.1:${sshPort}`, {}), { privateKey: fs.readFileSync(key), knownHostsFiles });

    after(async () => {
      if (sshd) await stopService(sshd);
      if (sshDir) removeDir(sshDir);
    });

    it('lists the remote engine\'s images over ssh://user@host:port with a key', async () => {
      const endpoint = resolveIn(`ssh://root@127.0.0.1:${sshPort}`, {});
      assert.deepEqual({ kind: endpoint.kind, username: endpoint.kind === 'ssh' && endpoint.username }, { kind: 'ssh', username: 'root' });
      const docker = createEngineClient(endpoint, { privateKey: fs.readFileSync(path.join(sshDir, 'client_key')), knownHostsFiles: [knownHosts('known_hosts', [hostKeyLine()])] });
      const images = await docker.listImages();
      assert.ok(images.some((i) => i.RepoTags?.includes('remote-only:1')), JSON.stringify(images.map((i) => i.RepoTags)));
      const version = await docker.version();
      assert.match(version.ApiVersion, /^1\.\d+$/);
    });

    it('fails with a wrong key', async () => {
      const other = tempDir('sshkey');
      try {
        execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(other, 'k')]);
        const docker = sshClient([knownHosts('known_hosts', [hostKeyLine()])], path.join(other, 'k'));
        await assert.rejects(docker.listImages(), /authentication|All configured/i);
      } finally {
        removeDir(other);
      }
    });

    it('accepts the host key from a hashed known_hosts entry (ssh-keygen -H)', async () => {
      const file = knownHosts('known_hosts_hashed', ['otherhost ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl', hostKeyLine()]);
      execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'pipe' });
      assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /127\.0\.0\.1/);
      assert.equal((await sshClient([file]).ping()).toString(), 'OK');
    });

    it('refuses an unknown host key with an error that says how to add it', async () => {
      await assert.rejects(sshClient([knownHosts('known_hosts_empty', [`[127.0.0.1]:1 ${hostKeyLine().split(' ').slice(1).join(' ')}`])]).listImages(),
        new RegExp(`host key verification failed: .*not in known_hosts.*ssh-keyscan -p ${sshPort} 127\\.0\\.0\\.1`));
    });

    it('refuses a changed host key', async () => {
      const other = tempDir('sshhostkey');
      try {
        execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(other, 'k')]);
        const wrong = fs.readFileSync(path.join(other, 'k.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
        await assert.rejects(sshClient([knownHosts('known_hosts_changed', [`[127.0.0.1]:${sshPort} ${wrong}`])]).listImages(),
          /host key verification failed: .*does not match.*HAS CHANGED/);
      } finally {
        removeDir(other);
      }
    });
  });
});
