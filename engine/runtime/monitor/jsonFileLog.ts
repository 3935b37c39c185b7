// Docker's json-file log format: one JSON object per line,
// `{"log":"text\n","stream":"stdout","time":"2024-01-01T00:00:00.123456789Z"}`. Output is split
// at newlines (a partial line waits for its newline, or is flushed when it reaches 16 KiB or the
// process ends — Docker's partial-message behaviour).
import * as fs from 'node:fs';

const MAX_PARTIAL = 16 * 1024;

/** RFC 3339 with nanoseconds, as Docker writes it. */
export function nanoTime(): string {
  const ns = process.hrtime.bigint() % 1_000_000n;
  const iso = new Date().toISOString();
  return `${iso.slice(0, 23)}${ns.toString().padStart(6, '0')}Z`;
}

export class JsonFileLog {
  private readonly fd: number;
  private readonly partial: Record<'stdout' | 'stderr', Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };

  constructor(file: string) {
    this.fd = fs.openSync(file, 'a', 0o640);
  }

  private line(stream: 'stdout' | 'stderr', text: Buffer): void {
    fs.writeSync(this.fd, `${JSON.stringify({ log: text.toString('utf8'), stream, time: nanoTime() })}\n`);
  }

  write(stream: 'stdout' | 'stderr', data: Buffer): void {
    let buf = this.partial[stream].length ? Buffer.concat([this.partial[stream], data]) : data;
    let i: number;
    while ((i = buf.indexOf(10)) >= 0) {
      this.line(stream, buf.subarray(0, i + 1));
      buf = buf.subarray(i + 1);
    }
    while (buf.length >= MAX_PARTIAL) {
      this.line(stream, buf.subarray(0, MAX_PARTIAL));
      buf = buf.subarray(MAX_PARTIAL);
    }
    this.partial[stream] = Buffer.from(buf);
  }

  close(): void {
    for (const s of ['stdout', 'stderr'] as const) if (this.partial[s].length) this.line(s, this.partial[s]);
    fs.closeSync(this.fd);
  }
}
