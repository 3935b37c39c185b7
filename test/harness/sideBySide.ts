// Our engine next to dockerd, for differential container tests: a registry with the busybox
// image, both daemons started (root), the image pulled into each. The same docker CLI drives both.
import { startDockerd, type TestDockerd } from './dockerd';
import { startEngine, stopWithContainers, type TestEngine } from './engine';
import { pushBusyboxImage } from './images';
import { startRegistry, type TestRegistry } from './registry';

export interface SideBySide {
  registry: TestRegistry;
  engine: TestEngine;
  dockerd: TestDockerd;
  /** `<registry>/busybox:latest`, present in both daemons */
  image: string;
  /** Removes every container of both daemons, then stops them and the registry. */
  stop(): Promise<void>;
}

export async function startSideBySide(): Promise<SideBySide> {
  const registry = await startRegistry();
  const [engine, dockerd] = await Promise.all([startEngine({ runtime: 'auto' }), startDockerd()]);
  await pushBusyboxImage(registry.host, 'busybox', 'latest');
  const image = `${registry.host}/busybox:latest`;
  await Promise.all([engine.docker(['pull', '-q', image]), dockerd.docker(['pull', '-q', image])]);
  const stop = async () => {
    const { stdout } = await dockerd.docker(['ps', '-aq']).catch(() => ({ stdout: '' }));
    for (const id of stdout.split('\n').filter(Boolean)) await dockerd.docker(['rm', '-f', id]).catch(() => undefined);
    await Promise.all([stopWithContainers(engine), dockerd.stop(), registry.stop()]);
  };
  return { registry, engine, dockerd, image, stop };
}
