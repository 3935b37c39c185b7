// The monitor's wire protocol (shared by dist/monitor.js and the daemon's client).
//
// Files in the container dir: `monitor.json` (MonitorConfig, written by the daemon), `monitor.pid`,
// `init.pid` (the container's pid 1 as seen from the host), `exit.json` (ExitStatus, written
// atomically when the process ended), the json-file log, and the unix socket `monitor.sock`.
//
// Startup: the daemon spawns the monitor ahead of time (a spare) as `monitor <socket>` with pipes
// on stdin/stdout; it listens on that socket at once and prints `listening\n`. To start a
// container the daemon connects whatever must see the first byte of output (attach) to that
// socket, then writes `<number of attach connections> <container dir>\n`. The monitor reads the
// dir's config, moves its socket to the container's socket path (socketPath(dir)), waits until it
// has read the requests of that many attach clients (so they see the first byte of output and
// their stdin reaches the process), starts the process and prints `{"pid":<init pid>}\n` — or
// `{"pid":0,"exit":<ExitStatus>}\n` when the process ended before its pid was seen, or
// `{"error":…}` — then closes both pipes and lives on its own. End of stdin before the handover
// line means the daemon no longer needs the spare: it exits.
//
// A socket connection starts with one JSON line (a Request). `attach`: the monitor then sends
// output as frames in Docker's stdcopy format (the daemon forwards them verbatim when the
// container has no TTY) and reads raw stdin bytes; end of the client's stream closes the process
// stdin when `stdinOnce`. `wait`: the monitor answers one JSON line (ExitStatus) when the process
// ended. `resize`: sets the terminal size and closes.

import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface MonitorConfig {
  id: string;
  /** the runtime command (from Executor.prepare) */
  argv: string[];
  env: Record<string, string>;
  cleanupArgv?: string[];
  /** run `cleanupArgv` only when this path exists */
  cleanupIfExists?: string;
  tty: boolean;
  /** keep the process stdin open for attach clients (Docker's OpenStdin) */
  openStdin: boolean;
  /** close the process stdin when the first attach client detaches (Docker's StdinOnce) */
  stdinOnce: boolean;
  logPath: string;
}

export type Request =
  | { type: 'attach'; stdin: boolean; stdout: boolean; stderr: boolean }
  | { type: 'wait' }
  | { type: 'resize'; height: number; width: number };

export interface ExitStatus {
  exitCode: number;
  /** RFC 3339 */
  finishedAt: string;
  error?: string;
}

export const FILES = {
  config: 'monitor.json',
  pid: 'monitor.pid',
  initPid: 'init.pid',
  exit: 'exit.json',
  socket: 'monitor.sock',
} as const;

const MAX_SOCKET_PATH = 100;

/**
 * The monitor's socket for the container dir `dir`: `<dir>/monitor.sock`, or — when that is longer
 * than a unix socket path may be (108 bytes) — a file named by the dir's hash in a private
 * per-user directory (`$TMPDIR/dockwright-mon-<uid>`, mode 0700, ownership checked).
 */
export function socketPath(dir: string): string {
  const inDir = path.join(dir, FILES.socket);
  if (Buffer.byteLength(inDir) <= MAX_SOCKET_PATH) return inDir;
  return path.join(privateSocketDir(), `${createHash('sha256').update(dir).digest('hex').slice(0, 32)}.sock`);
}

/**
 * A fresh socket path for a spare monitor: in `containersDir` (the parent of the container dirs,
 * so the monitor can rename it into place), or in the private directory where the container
 * sockets are when their paths would be too long.
 */
export function spareSocketPath(containersDir: string): string {
  const name = `spare-${randomBytes(8).toString('hex')}.sock`;
  const containerSocket = path.join(containersDir, 'c'.repeat(64), FILES.socket);
  return Buffer.byteLength(containerSocket) <= MAX_SOCKET_PATH ? path.join(containersDir, name) : path.join(privateSocketDir(), name);
}

/** `$TMPDIR/dockwright-mon-<uid>`, mode 0700, ownership checked. */
function privateSocketDir(): string {
  const uid = process.getuid?.() ?? 0;
  const priv = path.join(os.tmpdir(), `dockwright-mon-${uid}`);
  fs.mkdirSync(priv, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(priv);
  if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) throw new Error(`${priv} is not a private directory of uid ${uid}`);
  return priv;
}

export const STREAM_STDOUT = 1;
export const STREAM_STDERR = 2;

/**
 * One output frame: `[stream, 0, 0, 0, uint32 BE length]` + payload — the stdcopy format of the
 * Engine API (engine/api/streams.ts has the API's copy; the monitor must not import engine/api).
 */
export function frame(stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Incremental frame parser. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  push(chunk: Buffer, onFrame: (stream: number, payload: Buffer) => void): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let off = 0;
    while (this.buf.length - off >= 8) {
      const len = this.buf.readUInt32BE(off + 4);
      if (this.buf.length - off - 8 < len) break;
      onFrame(this.buf[off], this.buf.subarray(off + 8, off + 8 + len));
      off += 8 + len;
    }
    this.buf = this.buf.subarray(off);
  }
}
