// HEALTHCHECK: runs the container's health test as an exec every Interval (after StartPeriod),
// with Timeout and Retries like Docker, and records State.Health (last 5 results).
import { PassThrough } from 'node:stream';
import type { HealthConfig } from '../../image';
import { FrameReader } from '../monitor/protocol';
import type { ExecManager } from './exec';
import type { ContainerManager } from './manager';
import type { ContainerRecord, HealthState } from './types';

const NS_PER_MS = 1e6;
const DEFAULTS = { interval: 30_000, timeout: 30_000, retries: 3 };
const MAX_LOG = 5;
const MAX_OUTPUT = 4096;

/** The health test as a command, or undefined for none (`NONE`, empty). */
export function healthCommand(h: HealthConfig | undefined): string[] | undefined {
  const t = h?.Test;
  if (!t?.length || t[0] === 'NONE') return undefined;
  if (t[0] === 'CMD') return t.slice(1);
  if (t[0] === 'CMD-SHELL') return ['/bin/sh', '-c', t.slice(1).join(' ')];
  return undefined;
}

export class HealthChecker {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly containers: ContainerManager, private readonly execs: ExecManager) {}

  /** Starts probing a container that just started (no-op without a health test). */
  begin(rec: ContainerRecord): void {
    const cmd = healthCommand(rec.Config.Healthcheck);
    if (!cmd) return;
    this.end(rec.Id);
    const h = rec.Config.Healthcheck!;
    const interval = h.Interval ? h.Interval / NS_PER_MS : DEFAULTS.interval;
    const first = h.StartPeriod ? Math.min(h.StartPeriod / NS_PER_MS, interval) : interval;
    const schedule = (ms: number) => this.timers.set(rec.Id, setTimeout(() => void this.probe(rec.Id, cmd).then(() => {
      if (this.timers.has(rec.Id)) schedule(interval);
    }), ms).unref());
    schedule(first);
  }

  end(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  private async probe(id: string, cmd: string[]): Promise<void> {
    const rec = this.containers.find(id);
    if (!rec?.State.Running || rec.State.Paused) return;
    const h = rec.Config.Healthcheck ?? {};
    const timeout = h.Timeout ? h.Timeout / NS_PER_MS : DEFAULTS.timeout;
    const start = new Date().toISOString();
    let output = '';
    let exitCode: number;
    let execId: string | undefined;
    try {
      execId = this.execs.create(id, { Cmd: cmd, AttachStdout: true, AttachStderr: true });
      const ex = execId;
      const stream = new PassThrough();
      const reader = new FrameReader();
      stream.on('data', (c: Buffer) => reader.push(c, (_s, p) => { if (output.length < MAX_OUTPUT) output += p.toString('utf8'); }));
      const timer = new Promise<number>((resolve) => setTimeout(() => {
        this.execs.get(ex).child?.kill('SIGKILL');
        output += `Health check exceeded timeout (${timeout / 1000}s)`;
        resolve(-1);
      }, timeout).unref());
      exitCode = await Promise.race([this.execs.start(ex, stream), timer]);
    } catch (e) {
      exitCode = -1;
      output = (e as Error).message;
    } finally {
      if (execId) this.execs.forget(execId);
    }
    const prev: HealthState = rec.State.Health ?? { Status: 'starting', FailingStreak: 0, Log: [] };
    const streak = exitCode === 0 ? 0 : prev.FailingStreak + 1;
    const status = exitCode === 0 ? 'healthy' : streak >= (h.Retries || DEFAULTS.retries) ? 'unhealthy' : prev.Status;
    const health: HealthState = {
      Status: status, FailingStreak: streak,
      Log: [...prev.Log, { Start: start, End: new Date().toISOString(), ExitCode: exitCode, Output: output.slice(0, MAX_OUTPUT) }].slice(-MAX_LOG),
    };
    this.containers.setHealth(id, health, status !== prev.Status);
  }
}
