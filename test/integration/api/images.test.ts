// The image routes driven by the real docker CLI and by dockerode, against a real docker-registry.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Docker from 'dockerode';
import { startEngine, type TestEngine } from '../../harness/engine';
import { busyboxRootfsTar, pushBusyboxImage, writeBusyboxOciLayout } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { removeDir, requireBinary, tempDir } from '../../harness/services';

async function manifestDigest(reg: TestRegistry, repo: string, tag: string): Promise<string> {
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' },
  });
  assert.equal(res.status, 200, `${repo}:${tag} in the registry`);
  return res.headers.get('docker-content-digest')!;
}

describe('engine image API with the docker CLI', function () {
  this.timeout(180000);
  let reg: TestRegistry;
  let engine: TestEngine;
  let bbDigest: string;
  let img: string;

  before(async () => {
    reg = await startRegistry();
    engine = await startEngine();
    bbDigest = await pushBusyboxImage(reg.host, 'library/busybox', '1.36');
    img = `${reg.host}/library/busybox:1.36`;
  });
  after(async () => {
    await engine?.stop();
    await reg?.stop();
  });

  it('pulls with progress and the registry digest', async () => {
    const { stdout } = await engine.docker(['pull', img]);
    assert.match(stdout, /1.36: Pulling from library\/busybox/);
    assert.match(stdout, /Pull complete/);
    assert.match(stdout, new RegExp(`Digest: ${bbDigest}`));
    assert.match(stdout, new RegExp(`Status: Downloaded newer image for ${img.replace(/\./g, '\\.')}`));
    const again = await engine.docker(['pull', img]);
    assert.match(again.stdout, /Status: Image is up to date/);
  });

  it('answers a pull of an unknown tag with an error, not a stream', async () => {
    await assert.rejects(engine.docker(['pull', `${reg.host}/library/busybox:nope`]), /Error response from daemon: .*manifest unknown/);
    await assert.rejects(engine.docker(['pull', `${reg.host}/Upper/case`]), /invalid reference format|must be lowercase/);
  });

  it('lists, inspects and shows history like dockerd', async () => {
    const rows = (await engine.docker(['images', '--digests', '--format', '{{json .}}'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(rows.length, 1);
    assert.equal(rows[0].Repository, `${reg.host}/library/busybox`);
    assert.equal(rows[0].Tag, '1.36');
    assert.equal(rows[0].Digest, bbDigest);
    const [inspect] = JSON.parse((await engine.docker(['image', 'inspect', img])).stdout);
    assert.match(inspect.Id, /^sha256:[a-f0-9]{64}$/);
    assert.deepEqual(inspect.RepoTags, [img]);
    assert.deepEqual(inspect.RepoDigests, [`${reg.host}/library/busybox@${bbDigest}`]);
    assert.equal(inspect.Os, 'linux');
    assert.deepEqual(inspect.Config.Cmd, ['sh']);
    assert.equal(inspect.RootFS.Layers.length, 1);
    const hist = (await engine.docker(['history', '--no-trunc', '--format', '{{.ID}} {{.CreatedBy}}', img])).stdout.trim().split('\n');
    assert.deepEqual(hist, [`${inspect.Id} dockwright test harness`]);
    await assert.rejects(engine.docker(['image', 'inspect', 'no-such-image']), /No such image/);
    // `docker inspect` without --type walks container → image → network → volume → swarm on 404s
    assert.equal((await engine.docker(['inspect', '-f', '{{.Id}}', img], { input: '' })).stdout.trim(), inspect.Id);
    await assert.rejects(engine.docker(['inspect', 'no-such-object'], { input: '' }), /No such object: no-such-object/);
  });

  it('tags, filters by reference and label, pushes with the digest Docker reports', async () => {
    await engine.docker(['tag', img, `${reg.host}/team/app:v1`]);
    await engine.docker(['tag', img, 'local-only:dev']);
    const filtered = (await engine.docker(['images', '--filter', `reference=${reg.host}/team/*`, '--format', '{{.Repository}}:{{.Tag}}'])).stdout.trim();
    assert.equal(filtered, `${reg.host}/team/app:v1`);
    const byName = (await engine.docker(['images', 'local-only', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.trim();
    assert.equal(byName, 'local-only:dev');
    assert.equal((await engine.docker(['images', '--filter', 'label=nothing', '-q'])).stdout.trim(), '');
    const { stdout } = await engine.docker(['push', `${reg.host}/team/app:v1`]);
    assert.match(stdout, /The push refers to repository \[.*\/team\/app\]/);
    assert.match(stdout, new RegExp(`v1: digest: ${bbDigest} size: \\d+`));
    assert.equal(await manifestDigest(reg, 'team/app', 'v1'), bbDigest);
    await assert.rejects(engine.docker(['push', `${reg.host}/team/app:missing`]), /does not exist locally/);
    await engine.docker(['tag', img, `${reg.host}/team/app:v2`]);
    const all = (await engine.docker(['push', '--all-tags', `${reg.host}/team/app`])).stdout;
    assert.match(all, new RegExp(`v1: digest: ${bbDigest}`));
    assert.match(all, new RegExp(`v2: digest: ${bbDigest}`));
    assert.equal(await manifestDigest(reg, 'team/app', 'v2'), bbDigest);
    await assert.rejects(engine.docker(['tag', img, 'Bad/Name']), /invalid reference format|lowercase/);
  });

  it('removes tags before the image, then the image (untag vs delete)', async () => {
    const untag = (await engine.docker(['rmi', 'local-only:dev'])).stdout;
    assert.match(untag, /^Untagged: local-only:dev$/m);
    assert.doesNotMatch(untag, /Deleted:/);
    await assert.rejects(engine.docker(['rmi', 'local-only:dev']), /No such image/);
    const id = (await engine.docker(['image', 'inspect', '-f', '{{.Id}}', img])).stdout.trim();
    await assert.rejects(engine.docker(['rmi', id.slice(7, 19)]), /must be forced|referenced in multiple repositories/);
    const deleted = (await engine.docker(['rmi', '-f', id.slice(7, 19)])).stdout;
    assert.match(deleted, /Untagged: .*team\/app:v1/);
    assert.match(deleted, new RegExp(`Deleted: ${id}`));
    assert.equal((await engine.docker(['images', '-q'])).stdout.trim(), '');
  });

  it('saves and loads images (docker save / docker load)', async () => {
    const dir = tempDir('save');
    try {
      await engine.docker(['pull', img]);
      const id = (await engine.docker(['image', 'inspect', '-f', '{{.Id}}', img])).stdout.trim();
      const tarFile = path.join(dir, 'img.tar');
      await engine.docker(['save', '-o', tarFile, img]);
      const entries = execFileSync('tar', ['tf', tarFile], { encoding: 'utf8' }).split('\n');
      for (const e of ['manifest.json', 'repositories', 'index.json', 'oci-layout']) assert.ok(entries.includes(e), e);
      await engine.docker(['rmi', img]);
      assert.match((await engine.docker(['load', '-i', tarFile])).stdout, new RegExp(`Loaded image: ${img.replace(/\./g, '\\.')}`));
      assert.equal((await engine.docker(['image', 'inspect', '-f', '{{.Id}}', img])).stdout.trim(), id);
      await assert.rejects(engine.docker(['save', 'no-such:image']), /No such image/);
      await assert.rejects(engine.docker(['load'], { input: Buffer.from('not a tar') }), /invalid image archive|Error response from daemon/);
    } finally {
      removeDir(dir);
    }
  });

  it('loads an oci-archive written by skopeo (tagged by its ref.name) and a ./-prefixed OCI layout tar (untagged)', async () => {
    const dir = tempDir('oci-load');
    try {
      const layout = path.join(dir, 'layout');
      await writeBusyboxOciLayout(layout, { config: { Labels: { 'dw.test': 'oci-load' } } });
      const archive = path.join(dir, 'skopeo.tar');
      execFileSync(requireBinary('skopeo'), ['copy', '--quiet', `oci:${layout}:latest`, `oci-archive:${archive}:dw-oci/busybox:v7`]);
      assert.match((await engine.docker(['load', '-i', archive])).stdout, /Loaded image: dw-oci\/busybox:v7/);
      const id = (await engine.docker(['image', 'inspect', '-f', '{{.Id}}', 'dw-oci/busybox:v7'])).stdout.trim();
      await engine.docker(['rmi', 'dw-oci/busybox:v7']);
      // `tar -C layout -cf x.tar .` names every entry `./…`; the bare ref.name `latest` tags nothing
      const dotted = path.join(dir, 'dotted.tar');
      execFileSync('tar', ['-C', layout, '-cf', dotted, '.']);
      assert.ok(execFileSync('tar', ['tf', dotted], { encoding: 'utf8' }).split('\n').includes('./index.json'));
      assert.equal((await engine.docker(['load', '-i', dotted])).stdout.trim(), `Loaded image ID: ${id}`);
      await engine.docker(['rmi', id]);
    } finally {
      removeDir(dir);
    }
  });

  it('imports a rootfs tarball with --change and --message', async () => {
    const { stdout } = await engine.docker(['import', '-c', 'CMD ["sh"]', '-c', 'ENV A=b', '-c', 'WORKDIR /tmp', '-m', 'from a tarball', '-', 'imported:v1'], { input: await busyboxRootfsTar() });
    assert.match(stdout.trim(), /^sha256:[a-f0-9]{64}$/);
    const [inspect] = JSON.parse((await engine.docker(['image', 'inspect', 'imported:v1'])).stdout);
    assert.equal(inspect.Id, stdout.trim());
    assert.deepEqual(inspect.Config.Cmd, ['sh']);
    assert.ok(inspect.Config.Env.includes('A=b'));
    assert.equal(inspect.Config.WorkingDir, '/tmp');
    assert.equal(inspect.Comment, 'from a tarball');
    assert.equal(inspect.RootFS.Layers.length, 1);
    await engine.docker(['rmi', 'imported:v1']);
  });

  it('prunes dangling images and reports disk usage', async () => {
    await engine.docker(['pull', img]);
    await engine.docker(['tag', img, 'keep:me']);
    await engine.docker(['rmi', img]);
    const df = JSON.parse((await engine.docker(['system', 'df', '--format', '{{json .}}'])).stdout.trim().split('\n')[0]);
    assert.equal(df.Type, 'Images');
    assert.equal(df.TotalCount, '1');
    const prune = (await engine.docker(['image', 'prune', '-f'])).stdout;
    assert.match(prune, /Total reclaimed space/);
    assert.equal((await engine.docker(['images', '--format', '{{.Repository}}:{{.Tag}}'])).stdout.trim(), 'keep:me', 'a tagged image is not dangling');
    await engine.docker(['image', 'prune', '-af']);
    assert.equal((await engine.docker(['images', '-q'])).stdout.trim(), '');
  });
});

describe('engine image API with dockerode', function () {
  this.timeout(180000);
  let reg: TestRegistry;
  let authReg: TestRegistry;
  let engine: TestEngine;
  let docker: Docker;
  const creds = { username: 'dw', password: 's3cret-pass' };

  before(async () => {
    reg = await startRegistry();
    authReg = await startRegistry({ auth: creds });
    engine = await startEngine();
    docker = new Docker({ socketPath: engine.socketPath });
    await pushBusyboxImage(reg.host, 'bb', 'latest');
  });
  after(async () => {
    await engine?.stop();
    await reg?.stop();
    await authReg?.stop();
  });

  it('pulls (following progress), lists, inspects, tags and removes', async () => {
    const stream = await docker.pull(`${reg.host}/bb:latest`);
    const events = await new Promise<Array<{ status?: string }>>((resolve, reject) => docker.modem.followProgress(stream, (err, out) => (err ? reject(err) : resolve(out))));
    assert.ok(events.some((e) => e.status?.startsWith('Status: Downloaded newer image')));
    const list = await docker.listImages({ filters: { reference: [`${reg.host}/bb`] } });
    assert.equal(list.length, 1);
    assert.deepEqual(list[0].RepoTags, [`${reg.host}/bb:latest`]);
    const image = docker.getImage(`${reg.host}/bb:latest`);
    const info = await image.inspect();
    assert.equal(info.Id, list[0].Id);
    await image.tag({ repo: `${authReg.host}/private/bb`, tag: 'v2' });
    const history = await image.history();
    assert.equal(history[0].Id, info.Id);
    await assert.rejects(docker.getImage('nope:none').inspect(), (e: { statusCode?: number }) => e.statusCode === 404);
  });

  it('logs in through /auth and pushes with X-Registry-Auth to a registry with basic auth', async () => {
    const ok = await docker.checkAuth({ ...creds, serveraddress: authReg.host });
    assert.equal((ok as { Status: string }).Status, 'Login Succeeded');
    await assert.rejects(docker.checkAuth({ username: 'dw', password: 'wrong', serveraddress: authReg.host }), (e: { statusCode?: number }) => e.statusCode === 401);

    const denied = await docker.getImage(`${authReg.host}/private/bb:v2`).push({});
    const deniedOut = await new Promise<Array<{ error?: string }>>((resolve) => docker.modem.followProgress(denied, (err, out) => resolve(err ? [{ error: String(err) }] : out)));
    assert.ok(deniedOut.some((e) => e.error), 'push without credentials fails');

    const pushed = await docker.getImage(`${authReg.host}/private/bb:v2`).push({ authconfig: { ...creds, serveraddress: authReg.host } });
    const out = await new Promise<Array<{ aux?: { Digest?: string } }>>((resolve, reject) => docker.modem.followProgress(pushed, (err, o) => (err ? reject(err) : resolve(o))));
    const aux = out.find((e) => e.aux?.Digest);
    assert.match(aux!.aux!.Digest!, /^sha256:[a-f0-9]{64}$/);
    const res = await fetch(`${authReg.url}/v2/private/bb/manifests/v2`, { method: 'HEAD', headers: { Authorization: `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`, Accept: 'application/vnd.oci.image.manifest.v1+json' } });
    assert.equal(res.headers.get('docker-content-digest'), aux!.aux!.Digest);
  });

  it('docker login stores credentials the CLI then sends with pull and push', async () => {
    const login = await engine.docker(['login', '-u', creds.username, '--password-stdin', authReg.host], { input: creds.password });
    assert.match(login.stdout, /Login Succeeded/);
    await assert.rejects(engine.docker(['login', '-u', creds.username, '--password-stdin', authReg.host], { input: 'wrong' }), /401|unauthorized|failed/i);
    await engine.docker(['pull', `${reg.host}/bb:latest`]);
    await engine.docker(['tag', `${reg.host}/bb:latest`, `${authReg.host}/cli/bb:1`]);
    assert.match((await engine.docker(['push', `${authReg.host}/cli/bb:1`])).stdout, /1: digest: sha256:/);
    await engine.docker(['rmi', `${authReg.host}/cli/bb:1`]);
    assert.match((await engine.docker(['pull', `${authReg.host}/cli/bb:1`])).stdout, /Status: Downloaded newer image/);
    await engine.docker(['logout', authReg.host]);
    await engine.docker(['rmi', `${authReg.host}/cli/bb:1`]);
    await assert.rejects(engine.docker(['pull', `${authReg.host}/cli/bb:1`], { input: '' }), /pull access denied for .*cli\/bb, repository does not exist or may require 'docker login'/);
  });

  it('streams image events with filters', async () => {
    const stream = await docker.getEvents({ filters: { type: ['image'], event: ['tag'] } }) as NodeJS.ReadableStream & { destroy(): void };
    const got = new Promise<{ Action: string; Actor: { Attributes: { name: string } } }>((resolve) => {
      let buf = '';
      stream.on('data', (c: Buffer) => {
        buf += c.toString();
        const line = buf.split('\n').find((l) => l.trim());
        if (line) resolve(JSON.parse(line));
      });
    });
    await docker.getImage(`${reg.host}/bb:latest`).tag({ repo: 'evented', tag: 'now' });
    await docker.getImage('evented:now').remove(); // an untag event: filtered out
    const ev = await got;
    stream.destroy();
    assert.equal(ev.Action, 'tag');
    assert.equal(ev.Actor.Attributes.name, 'evented:now');
    const now = Math.floor(Date.now() / 1000);
    const past = (await engine.docker(['events', '--since', String(now - 60), '--until', String(now + 1), '--filter', 'event=untag', '--format', '{{.Action}} {{.Actor.Attributes.name}}'])).stdout;
    assert.match(past, /^untag evented:now$/m);
    assert.doesNotMatch(past, /^tag /m);
  });

  it('rejects bad requests with JSON errors', async () => {
    await assert.rejects(docker.listImages({ filters: '{bad' } as unknown as Docker.ListImagesOptions) as Promise<unknown>, (e: { statusCode?: number }) => e.statusCode === 400);
    await assert.rejects(docker.getImage(`${reg.host}/bb:latest`).tag({ repo: 'UPPER' }), (e: { statusCode?: number }) => e.statusCode === 400);
  });
});

describe('engine image API with containers', function () {
  this.timeout(180000);
  let reg: TestRegistry;
  let engine: TestEngine;

  before(async () => {
    reg = await startRegistry();
    engine = await startEngine();
    await pushBusyboxImage(reg.host, 'used', 'v1');
  });
  after(async () => {
    await engine?.stop();
    await reg?.stop();
  });

  it('refuses to delete or prune an image a container uses, until forced or the container is gone', async () => {
    const img = `${reg.host}/used:v1`;
    await engine.docker(['pull', img]);
    const id = (await engine.docker(['image', 'inspect', '-f', '{{.Id}}', img])).stdout.trim();
    const container = (await engine.docker(['create', img, 'true'])).stdout.trim();
    await assert.rejects(engine.docker(['rmi', id]), /conflict: unable to delete .* image is being used by stopped container/);
    // the only tag (the pull also recorded a digest reference of the same repository) is not untagged
    await assert.rejects(engine.docker(['rmi', img]),
      new RegExp(`conflict: unable to remove repository reference "${img}" \\(must force\\) - container ${container.slice(0, 12)} is using its referenced image ${id.slice(7, 19)}`));
    assert.equal((await engine.docker(['image', 'inspect', '-f', '{{.RepoTags}}', img])).stdout.trim(), `[${img}]`);
    await engine.docker(['image', 'prune', '-af']);
    assert.equal((await engine.docker(['image', 'inspect', '-f', '{{.Id}}', img])).stdout.trim(), id, 'prune keeps a used image');
    const df = (await engine.docker(['system', 'df', '--format', '{{.Type}} {{.Active}}'])).stdout;
    assert.match(df, /^Images 1$/m);
    await engine.docker(['rm', container]);
    assert.match((await engine.docker(['rmi', id])).stdout, new RegExp(`Deleted: ${id}`));
  });
});
