// Loads the harness busybox image into an engine under test with `docker load` (then tags it).
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { writeBusyboxOciLayout } from '../../harness/images';
import { removeDir, tempDir } from '../../harness/services';
import type { TestEngine } from '../../harness/engine';

export async function loadBusybox(engine: TestEngine, tag = 'busybox:latest'): Promise<void> {
  const dir = tempDir('bbload');
  try {
    const layout = path.join(dir, 'layout');
    await writeBusyboxOciLayout(layout, { tag: 'latest' });
    const tarFile = path.join(dir, 'busybox.tar');
    execFileSync('tar', ['-cf', tarFile, '-C', layout, 'oci-layout', 'index.json', 'blobs']);
    const { stdout } = await engine.docker(['load', '-q', '-i', tarFile]);
    const id = /sha256:[a-f0-9]{64}/.exec(stdout)?.[0];
    if (!id) throw new Error(`docker load printed no image id: ${stdout}`);
    await engine.docker(['tag', id, tag]);
  } finally {
    removeDir(dir);
  }
}
