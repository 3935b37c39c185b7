// Reading a container's json-file log with Docker's options: stdout/stderr selection, since/until,
// tail, and follow (new lines as they are written, until the container stops).
import * as fs from 'node:fs';

export interface LogLine {
  stream: 'stdout' | 'stderr';
  /** RFC 3339 with nanoseconds */
  time: string;
  log: string;
}

export interface LogOptions {
  stdout: boolean;
  stderr: boolean;
  /** unix seconds (fractions allowed); 0 = no bound */
  since?: number;
  until?: number;
  /** last N lines; undefined/negative = all */
  tail?: number;
  follow?: boolean;
  /** still producing output? (follow stops when this turns false and the file is drained) */
  running?: () => boolean;
  signal?: AbortSignal;
}

function timeOf(t: string): number {
  const ms = Date.parse(t);
  const frac = /\.(\d+)Z$/.exec(t)?.[1] ?? '';
  return Math.floor(ms / 1000) + Number(`0.${frac || '0'}`);
}

function parse(lines: string[], o: LogOptions): LogLine[] {
  const out: LogLine[] = [];
  for (const l of lines) {
    if (!l) continue;
    let e: LogLine;
    try {
      e = JSON.parse(l) as LogLine;
    } catch {
      continue;
    }
    if ((e.stream === 'stdout' && !o.stdout) || (e.stream === 'stderr' && !o.stderr)) continue;
    const t = timeOf(e.time);
    if (o.since && t < o.since) continue;
    if (o.until && t > o.until) continue;
    out.push(e);
  }
  return out;
}

export async function* readLogs(file: string, o: LogOptions): AsyncGenerator<LogLine> {
  let offset = 0;
  let partial = '';
  const readMore = async (): Promise<string[]> => {
    let fh: fs.promises.FileHandle;
    try {
      fh = await fs.promises.open(file, 'r');
    } catch {
      return [];
    }
    try {
      const { size } = await fh.stat();
      if (size <= offset) return [];
      const buf = Buffer.alloc(size - offset);
      await fh.read(buf, 0, buf.length, offset);
      offset = size;
      const text = partial + buf.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      return lines;
    } finally {
      await fh.close();
    }
  };
  let first = parse(await readMore(), o);
  if (o.tail !== undefined && o.tail >= 0) first = o.tail === 0 ? [] : first.slice(-o.tail);
  yield* first;
  if (!o.follow) return;
  for (;;) {
    if (o.signal?.aborted) return;
    if (o.until && Date.now() / 1000 > o.until) return;
    const wasRunning = o.running?.() ?? false;
    const more = parse(await readMore(), o);
    yield* more;
    if (!wasRunning && more.length === 0) return;
    if (more.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
}
