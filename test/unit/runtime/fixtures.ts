// Test fixtures: a busybox image in a fresh image store, and a container manager over it.
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { openImageStore, parseReference, type ImageStore } from '../../../engine/image';
import { createExecutor, type RuntimeChoice } from '../../../engine/runtime/executor';
import { ContainerManager, type ContainerEvent } from '../../../engine/runtime/containers/manager';
import { Snapshotter } from '../../../engine/runtime/snapshot';
import { VolumeStore } from '../../../engine/runtime/volumes';
import * as tar from 'tar-stream';
import { busyboxRootfsTar } from '../../harness/images';

/** Stores a busybox image tagged `ref` (plus optional image config) and returns its id. */
export async function putBusybox(images: ImageStore, ref = 'busybox:latest', config: Record<string, unknown> = {}): Promise<string> {
  const raw = await busyboxRootfsTar();
  const gz = zlib.gzipSync(raw);
  const blob = await images.content.put(gz);
  const rec = await images.putImage({
    architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'], ...config },
    rootfs: { type: 'layers', diff_ids: [`sha256:${createHash('sha256').update(raw).digest('hex')}`] },
    history: [{ created: '2024-01-01T00:00:00Z', created_by: 'test' }],
  }, [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: blob.digest, size: blob.size }], { refs: [parseReference(ref)] });
  return rec.id;
}

/** Stores busybox plus a second layer with `/extra` ("extra layer\n"), tagged `ref`. */
export async function putLayered(images: ImageStore, ref: string): Promise<string> {
  const base = await busyboxRootfsTar();
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  pack.entry({ name: 'extra', mode: 0o644, uid: 0, gid: 0, mtime: new Date(0) }, 'extra layer\n');
  pack.finalize();
  await done;
  const extra = Buffer.concat(chunks);
  const layers = [];
  for (const raw of [base, extra]) {
    const blob = await images.content.put(zlib.gzipSync(raw));
    layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: blob.digest, size: blob.size });
  }
  const rec = await images.putImage({
    architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z',
    config: { Env: ['PATH=/bin'], Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: [base, extra].map((raw) => `sha256:${createHash('sha256').update(raw).digest('hex')}`) },
    history: [{ created: '2024-01-01T00:00:00Z', created_by: 'test' }, { created: '2024-01-01T00:00:00Z', created_by: 'test extra' }],
  }, layers, { refs: [parseReference(ref)] });
  return rec.id;
}

export function makeManager(dataRoot: string, runtime: RuntimeChoice = 'auto', onEvent?: ContainerEvent) {
  const images = openImageStore(dataRoot);
  const executor = createExecutor(runtime, path.join(dataRoot, 'runtime'));
  const snapshots = new Snapshotter(path.join(dataRoot, 'snapshots'), runtime === 'rootless' ? 'copy' : undefined);
  const volumes = new VolumeStore(path.join(dataRoot, 'volumes'));
  const manager = new ContainerManager({ dataRoot, images, executor, snapshots, volumes, onEvent });
  return { images, executor, snapshots, volumes, manager };
}
