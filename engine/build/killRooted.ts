/**
 * Cancellation backstop: SIGKILLs every process whose root mount is a given snapshot. Killing the
 * runtime's foreground process (`runc run`) does not kill the container it started, and the
 * container keeps the step's output pipes open; a cancelled build must not leave it running. A
 * process belongs to the step when the "/" line of its /proc/<pid>/mountinfo names the snapshot
 * directory (overlay `upperdir=…/<snapshot>/upper`, or the bind-mounted copy `…/<snapshot>/rootfs`).
 */
import * as fs from 'node:fs';

export async function killProcessesRootedAt(snapshotDir: string): Promise<number> {
  let killed = 0;
  for (const name of await fs.promises.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let info: string;
    try {
      info = await fs.promises.readFile(`/proc/${name}/mountinfo`, 'utf8');
    } catch {
      continue;
    }
    const rootLine = info.split('\n').find((l) => l.split(' ')[4] === '/');
    if (!rootLine?.includes(`${snapshotDir}/`)) continue;
    try {
      process.kill(Number(name), 'SIGKILL');
      killed++;
    } catch { /* already gone */ }
  }
  return killed;
}
