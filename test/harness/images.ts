// Test base images made from Debian's busybox-static, never pulled from the internet.
// The harness builds OCI layouts itself (independent of the code under test) and uses skopeo,
// an independent registry client, to push them.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import { requireBinary } from './services';

const run = promisify(execFile);

/** Applets linked to busybox in the test rootfs. */
export const BUSYBOX_APPLETS = ['sh', 'ash', 'echo', 'cat', 'ls', 'mkdir', 'rm', 'cp', 'mv', 'ln', 'chmod', 'chown', 'touch',
  'env', 'id', 'sleep', 'true', 'false', 'test', '[', 'printf', 'grep', 'sed', 'head', 'tail', 'wc', 'stat', 'find',
  'tar', 'gzip', 'whoami', 'hostname', 'ps', 'kill', 'date', 'uname', 'pwd', 'readlink', 'sha256sum', 'top', 'vi', 'wget', 'nc', 'httpd'];

/** Creates a busybox rootfs in `dir` (bin/busybox + applet symlinks, /etc/passwd, /etc/group, /tmp). */
export function makeBusyboxRootfs(dir: string): void {
  const busybox = requireBinary('busybox', 'busybox-static');
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.copyFileSync(busybox, path.join(dir, 'bin/busybox'));
  fs.chmodSync(path.join(dir, 'bin/busybox'), 0o755);
  for (const a of BUSYBOX_APPLETS) fs.symlinkSync('busybox', path.join(dir, 'bin', a));
  for (const d of ['etc', 'tmp', 'root', 'home/app', 'var', 'usr/bin']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  fs.chmodSync(path.join(dir, 'tmp'), 0o1777);
  fs.writeFileSync(path.join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  fs.writeFileSync(path.join(dir, 'etc/group'), 'root:x:0:\napp:x:1000:\nnogroup:x:65534:\n');
}

/** The busybox rootfs as an uncompressed tar (entries sorted, root-owned, fixed mtime). */
export async function busyboxRootfsTar(): Promise<Buffer> {
  const busybox = fs.readFileSync(requireBinary('busybox', 'busybox-static'));
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  const mtime = new Date(0);
  const base = { uid: 0, gid: 0, mtime };
  for (const d of ['bin', 'etc', 'home', 'home/app', 'root', 'tmp', 'usr', 'usr/bin', 'var']) {
    pack.entry({ ...base, name: `${d}/`, type: 'directory', mode: d === 'tmp' ? 0o1777 : 0o755 });
  }
  pack.entry({ ...base, name: 'bin/busybox', mode: 0o755 }, busybox);
  for (const a of BUSYBOX_APPLETS) pack.entry({ ...base, name: `bin/${a}`, type: 'symlink', linkname: 'busybox', mode: 0o777 });
  pack.entry({ ...base, name: 'etc/passwd', mode: 0o644 }, 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  pack.entry({ ...base, name: 'etc/group', mode: 0o644 }, 'root:x:0:\napp:x:1000:\nnogroup:x:65534:\n');
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * Writes an OCI image layout for a busybox image into `dir` (tag `ref` in index.json) and returns
 * the manifest digest. Extra layers may be given as uncompressed tars.
 */
export async function writeBusyboxOciLayout(dir: string, opts: { tag?: string; extraLayers?: Buffer[]; config?: Record<string, unknown> } = {}): Promise<string> {
  const layers = [await busyboxRootfsTar(), ...(opts.extraLayers ?? [])];
  fs.mkdirSync(path.join(dir, 'blobs/sha256'), { recursive: true });
  const put = (b: Buffer | string) => {
    const d = sha256(b);
    fs.writeFileSync(path.join(dir, 'blobs/sha256', d.slice(7)), b);
    return d;
  };
  const layerDescs = layers.map((raw) => {
    const gz = zlib.gzipSync(raw);
    return { raw, desc: { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: put(gz), size: gz.length } };
  });
  const config = JSON.stringify({
    architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'], ...opts.config },
    rootfs: { type: 'layers', diff_ids: layerDescs.map((l) => sha256(l.raw)) },
    history: layerDescs.map(() => ({ created: '2024-01-01T00:00:00Z', created_by: 'dockwright test harness' })),
  });
  const manifest = JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: put(config), size: Buffer.byteLength(config) },
    layers: layerDescs.map((l) => l.desc),
  });
  const manifestDigest = put(manifest);
  fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifestDigest, size: Buffer.byteLength(manifest),
      annotations: { 'org.opencontainers.image.ref.name': opts.tag ?? 'latest' } }],
  }));
  return manifestDigest;
}

/** Pushes a busybox image to `registryHost/repo:tag` with skopeo (plain HTTP on loopback). Returns the manifest digest. */
export async function pushBusyboxImage(registryHost: string, repo = 'busybox', tag = 'latest', opts: { extraLayers?: Buffer[]; creds?: string } = {}): Promise<string> {
  const skopeo = requireBinary('skopeo');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-oci-'));
  try {
    const digest = await writeBusyboxOciLayout(dir, { tag, extraLayers: opts.extraLayers });
    await run(skopeo, ['copy', '--quiet', '--dest-tls-verify=false', ...(opts.creds ? ['--dest-creds', opts.creds] : []),
      '--preserve-digests', `oci:${dir}:${tag}`, `docker://${registryHost}/${repo}:${tag}`]);
    return digest;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** An uncompressed layer tar holding one file of `size` random (incompressible) bytes. */
export async function randomLayer(name: string, size: number): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  pack.entry({ name, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }, randomBytes(size));
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** A tar entry for tarOf: a file (with its body), a directory or a character device. */
export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'character-device';
  mode: number;
  uid: number;
  gid: number;
  body?: string;
  devmajor?: number;
  devminor?: number;
}

/** An uncompressed tar of `entries` in order (mtime 0), e.g. a layer with chosen owners and modes. */
export async function tarOf(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  for (const e of entries) {
    const header = { name: e.name, type: e.type ?? 'file', mode: e.mode, uid: e.uid, gid: e.gid, mtime: new Date(0), devmajor: e.devmajor, devminor: e.devminor };
    if (header.type === 'file') pack.entry(header, e.body ?? '');
    else pack.entry(header);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/**
 * busybox plus `extraLayers`, `docker load`ed into a daemon (through its docker CLI, e.g. a
 * rootless one that cannot reach the test registry's push) and tagged `tag`.
 */
export async function loadBusyboxImage(daemon: { docker(args: string[]): Promise<{ stdout: string }> }, tag: string, extraLayers: Buffer[]): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-load-'));
  try {
    const layout = path.join(dir, 'layout');
    await writeBusyboxOciLayout(layout, { tag: 'latest', extraLayers });
    const tarFile = path.join(dir, 'image.tar');
    await run('tar', ['-cf', tarFile, '-C', layout, 'oci-layout', 'index.json', 'blobs']);
    // a daemon run as another user reads the file
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(tarFile, 0o644);
    const { stdout } = await daemon.docker(['load', '-q', '-i', tarFile]);
    const id = /sha256:[a-f0-9]{64}/.exec(stdout)?.[0];
    if (!id) throw new Error(`docker load printed no image id: ${stdout}`);
    await daemon.docker(['tag', id, tag]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
