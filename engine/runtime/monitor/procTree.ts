// Reading the process tree from /proc (the monitor finds the container's pid 1 and its terminal).
import * as fs from 'node:fs';

function children(pid: number): number[] {
  try {
    const out: number[] = [];
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const text = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
    return out;
  } catch {
    return [];
  }
}

/** Descendants of `pid`, breadth first. */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    for (const c of children(p)) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

function link(p: string): string | undefined {
  try {
    return fs.readlinkSync(p);
  } catch {
    return undefined;
  }
}

/** The first descendant of `pid` in another pid namespace than ours: the container's pid 1. */
export function containerInit(pid: number): number | undefined {
  const ours = link('/proc/self/ns/pid');
  return descendants(pid).find((p) => {
    const ns = link(`/proc/${p}/ns/pid`);
    return ns !== undefined && ns !== ours;
  });
}

const RUNTIME_COMMS = /^(runc|crun|bwrap|script|nsenter)/;

/**
 * True once `pid` runs the container's own program: while the runtime is still setting up, the
 * process is runc/crun/bwrap (a signal then would hit the runtime, not the program).
 */
export function execDone(pid: number): boolean {
  try {
    return !RUNTIME_COMMS.test(fs.readFileSync(`/proc/${pid}/comm`, 'utf8'));
  } catch {
    return true;
  }
}

/** `/proc/<pid>/fd/0` when the stdin of `pid` itself is a PTY. */
export function ownTerminal(pid: number): string | undefined {
  return link(`/proc/${pid}/fd/0`)?.startsWith('/dev/pts/') ? `/proc/${pid}/fd/0` : undefined;
}

/** `/proc/<pid>/fd/0` of the shallowest process under `pid` (itself included) whose stdin is a PTY. */
export function terminalOf(pid: number): string | undefined {
  for (const p of [pid, ...descendants(pid)]) {
    const tty = ownTerminal(p);
    if (tty) return tty;
  }
  return undefined;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
