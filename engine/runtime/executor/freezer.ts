// Waiting for the cgroup freezer to finish freezing.
//
// Writing FROZEN to a cgroup v1 freezer.state only starts freezing: the state reads FREEZING until
// every task of the cgroup has stopped (the kernel re-checks on each read), which under CPU load
// takes a few milliseconds. runc's pause waits for FROZEN; crun 1.8's returns right after the
// write, so a `pause` (and the freeze of docker commit and docker cp) could go on while the
// container's processes still ran. On cgroup v2, cgroup.events says `frozen 1` when done.
import * as fs from 'node:fs';

const CGROUP = '/sys/fs/cgroup';

/** The file that tells whether the cgroup at `cgroupPath` (cgroupfs path, e.g. `/dockwright/<id>`) is frozen, and how. */
function freezerFiles(cgroupPath: string): { state: string; frozen: (text: string) => boolean; refreeze?: string } | undefined {
  const v1 = `${CGROUP}/freezer${cgroupPath}/freezer.state`;
  if (fs.existsSync(v1)) return { state: v1, frozen: (t) => t.trim() === 'FROZEN', refreeze: v1 };
  const v2 = `${CGROUP}${cgroupPath}/cgroup.events`;
  if (fs.existsSync(v2)) return { state: v2, frozen: (t) => /^frozen 1$/m.test(t) };
  return undefined;
}

/**
 * Resolves once the freezer reports the cgroup frozen (immediately when the host has no freezer
 * file for it). While v1 still says FREEZING, FROZEN is written again now and then (tasks forked
 * during the freeze are caught that way, as runc does). After `timeoutMs` the cgroup is thawed
 * and the promise rejects with a clear error.
 */
export async function waitFrozen(cgroupPath: string, timeoutMs = 5000): Promise<void> {
  const f = freezerFiles(cgroupPath);
  if (!f) return;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (let i = 0; ; i++) {
    last = fs.readFileSync(f.state, 'utf8');
    if (f.frozen(last)) return;
    if (Date.now() > deadline) break;
    if (f.refreeze && i % 20 === 19) fs.writeFileSync(f.refreeze, 'FROZEN');
    await new Promise((r) => setTimeout(r, i < 10 ? 1 : 10));
  }
  if (f.refreeze) fs.writeFileSync(f.refreeze, 'THAWED');
  throw new Error(`the container's cgroup ${cgroupPath} did not freeze within ${timeoutMs} ms (freezer: ${last.trim()})`);
}
