// The container runtime of the engine: executors, snapshots, volumes, containers and exec.
import * as path from 'node:path';
import type { ImageStore } from '../image';
import { ContainerManager, type ContainerEvent } from './containers/manager';
import { ExecManager } from './containers/exec';
import { HealthChecker } from './containers/health';
import { createExecutor, type RuntimeChoice } from './executor';
import { Snapshotter } from './snapshot';
import { VolumeStore } from './volumes';

export { ContainerManager, signalNumber, type WaitCondition } from './containers/manager';
export { ExecManager, type ExecRecord } from './containers/exec';
export type { ContainerRecord, DockerContainerConfig, DockerHostConfig } from './containers/types';
export { readLogs, type LogLine } from './containers/logs';
export { RuntimeError } from './errors';
export { Snapshotter, type LayerSource } from './snapshot';
export { VolumeStore, VolumeError, type Volume } from './volumes';
export { createExecutor, type Executor, type ProcessSpec, type RuntimeChoice } from './executor';

export interface Runtime {
  manager: ContainerManager;
  execs: ExecManager;
  volumes: VolumeStore;
  snapshots: Snapshotter;
}

/** Opens the runtime of a data root (`containers/`, `snapshots/`, `volumes/`, `runtime/`) and re-adopts running containers. */
export async function openRuntime(o: { dataRoot: string; images: ImageStore; runtime: RuntimeChoice; onEvent?: ContainerEvent; info?: (m: string) => void; warn?: (m: string) => void; debug?: (m: string) => void }): Promise<Runtime> {
  const executor = createExecutor(o.runtime, path.join(o.dataRoot, 'runtime'), { log: o.info, subordinateIds: true });
  const snapshots = new Snapshotter(path.join(o.dataRoot, 'snapshots'), undefined, { userns: executor.userns, warn: o.warn });
  // rootless with subordinate ids, volume files are copied and removed in the containers' user namespace (their owners are container ids)
  const files = snapshots.usernsFiles;
  const volumes = new VolumeStore(path.join(o.dataRoot, 'volumes'), files ? { copyContents: (from, to) => files.copyTree(`${from}/.`, `${to}/`), removeTreeSync: (dir) => files.removeTreeSync(dir) } : {});
  let health: HealthChecker | undefined;
  const onEvent: ContainerEvent = (action, rec, extra) => {
    if (action === 'start') health?.begin(rec);
    if (action === 'die') health?.end(rec.Id);
    o.onEvent?.(action, rec, extra);
  };
  const manager = new ContainerManager({ dataRoot: o.dataRoot, images: o.images, executor, snapshots, volumes, onEvent, warn: o.warn, debug: o.debug });
  const execs = new ExecManager(manager);
  health = new HealthChecker(manager, execs);
  await manager.init();
  for (const rec of manager.list()) if (rec.State.Running) health.begin(rec);
  return { manager, execs, volumes, snapshots };
}
