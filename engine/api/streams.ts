// Response stream formats of the Docker Engine API:
// - JSON message streams (pull, push, load, build, import): newline-delimited JSONMessage objects
//   that the docker CLI renders (moby pkg/jsonmessage); the HTTP status is 200 even when it ends in an error;
// - stdcopy multiplexed framing (attach/exec/logs without a TTY): 8-byte header [stream,0,0,0,len BE].
import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { messageOf } from './errors';

export interface ProgressDetail { current?: number; total?: number }

/** One line of a JSON message stream (moby's jsonmessage.JSONMessage). */
export interface JsonMessage {
  status?: string;
  id?: string;
  progressDetail?: ProgressDetail;
  progress?: string;
  stream?: string;
  aux?: unknown;
  error?: string;
  errorDetail?: { code?: number; message: string };
}

/** Writes JSONMessage lines to a response, sending the 200 headers on construction. */
export class JsonMessageWriter {
  private ended = false;

  constructor(private readonly res: ServerResponse) {
    if (!res.headersSent) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
    }
  }

  get closed(): boolean {
    return this.ended || this.res.destroyed || this.res.writableEnded;
  }

  write(msg: JsonMessage): void {
    if (this.closed) return;
    this.res.write(`${JSON.stringify(msg)}\r\n`);
  }

  status(status: string, id?: string): void {
    this.write(id === undefined ? { status } : { status, id });
  }

  progress(id: string, status: string, current: number, total?: number): void {
    this.write({ status, id, progressDetail: total === undefined ? { current } : { current, total } });
  }

  stream(text: string): void {
    this.write({ stream: text });
  }

  aux(aux: unknown, id?: string): void {
    this.write(id === undefined ? { aux } : { id, aux });
  }

  /** Ends the stream with an error message the CLI prints (and exits non-zero on). */
  error(err: unknown): void {
    const message = messageOf(err);
    this.write({ errorDetail: { message }, error: message });
  }

  end(): void {
    if (this.closed) return;
    this.ended = true;
    this.res.end();
  }
}

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
/** A daemon-side error delivered in-band; the docker client raises it. */
export const SYSTEMERR = 3;
export type StdStream = typeof STDIN | typeof STDOUT | typeof STDERR | typeof SYSTEMERR;

/** One stdcopy frame: header [stream, 0, 0, 0, uint32 BE length] followed by the payload. */
export function stdcopyFrame(stream: StdStream, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** A writable that frames everything written to it as `stream` on `target` (does not end `target`). */
export function stdcopyWriter(target: Writable, stream: StdStream): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (chunk.length === 0) return cb();
      target.write(stdcopyFrame(stream, chunk), cb);
    },
  });
}

/** Splits a stdcopy byte stream into frames; `rest` is an incomplete trailing frame. */
export function parseStdcopy(buf: Buffer): { frames: Array<{ stream: number; payload: Buffer }>; rest: Buffer } {
  const frames: Array<{ stream: number; payload: Buffer }> = [];
  let off = 0;
  while (buf.length - off >= 8) {
    const len = buf.readUInt32BE(off + 4);
    if (buf.length - off - 8 < len) break;
    frames.push({ stream: buf[off], payload: buf.subarray(off + 8, off + 8 + len) });
    off += 8 + len;
  }
  return { frames, rest: buf.subarray(off) };
}

/**
 * A JSON message stream that holds its first messages back until one passes `startsStream`: an error
 * before that point can still be an HTTP error status (moby answers `docker pull` of an unknown tag
 * with a 404, not a 200 stream), while progress after it streams as usual.
 */
export class DeferredJsonMessageWriter {
  private writer?: JsonMessageWriter;
  private readonly pending: JsonMessage[] = [];

  constructor(private readonly res: ServerResponse, private readonly startsStream: (m: JsonMessage) => boolean) {}

  get started(): boolean {
    return this.writer !== undefined;
  }

  write = (msg: JsonMessage): void => {
    if (!this.writer) {
      if (!this.startsStream(msg)) {
        this.pending.push(msg);
        return;
      }
      this.start();
    }
    this.writer!.write(msg);
  };

  /** Ends the stream successfully (flushing anything held back). */
  end(): void {
    this.start().end();
  }

  /** Reports a failure: in-stream once started, otherwise rethrown for the router to answer with a status. */
  fail(err: unknown): void {
    if (!this.writer) throw err;
    this.writer.error(err);
    this.writer.end();
  }

  private start(): JsonMessageWriter {
    if (!this.writer) {
      this.writer = new JsonMessageWriter(this.res);
      for (const m of this.pending.splice(0)) this.writer.write(m);
    }
    return this.writer;
  }
}
