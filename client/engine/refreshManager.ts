// Keeps the trees fresh without refresh storms: the engine's /events stream triggers a debounced
// refresh of the affected tree (the payload only says which tree), a slow poll catches anything the
// stream missed, and the stream reconnects after errors.
import * as vscode from 'vscode';
import type { Docker } from '../../engine/api/client';
import type { EngineManager } from './engineManager';

export type RefreshTarget = 'images' | 'containers' | 'volumes';
export const DEBOUNCE_MS = 300;
export const POLL_MS = 60_000;

export class RefreshManager implements vscode.Disposable {
  private readonly timers = new Map<RefreshTarget, NodeJS.Timeout>();
  private stream: NodeJS.ReadableStream | undefined;
  private streamFor: Docker | undefined;
  private readonly poll: NodeJS.Timeout;
  private readonly sub: vscode.Disposable;
  private disposed = false;

  constructor(private readonly engine: EngineManager, private readonly refresh: (target: RefreshTarget) => unknown) {
    this.poll = setInterval(() => this.all(), POLL_MS);
    this.sub = engine.onDidChange(() => this.onEngineChange());
  }

  /** Refreshes every tree now (manual refresh, engine switch). */
  all(): void {
    for (const t of ['images', 'containers', 'volumes'] as const) this.now(t);
  }

  /** Schedules one refresh of `target` after the debounce delay (extra requests in between are merged). */
  schedule(target: RefreshTarget): void {
    if (this.timers.has(target)) return;
    this.timers.set(target, setTimeout(() => { this.timers.delete(target); this.refresh(target); }, DEBOUNCE_MS));
  }

  private now(target: RefreshTarget): void {
    clearTimeout(this.timers.get(target));
    this.timers.delete(target);
    this.refresh(target);
  }

  private async onEngineChange(): Promise<void> {
    if (this.engine.state === 'connected') {
      const docker = await this.engine.client().catch(() => undefined);
      if (docker && docker !== this.streamFor) this.listen(docker);
    } else if (this.engine.state === 'idle') {
      this.stopListening();
      this.all();
    }
  }

  private async listen(docker: Docker): Promise<void> {
    this.stopListening();
    this.streamFor = docker;
    let stream: NodeJS.ReadableStream;
    try {
      stream = await docker.getEvents({ filters: { type: ['container', 'image', 'volume'] } }) as NodeJS.ReadableStream;
    } catch {
      this.retry(docker);
      return;
    }
    if (this.streamFor !== docker || this.disposed) { (stream as any).destroy?.(); return; }
    this.stream = stream;
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        try {
          const type = (JSON.parse(line) as { Type?: string }).Type;
          if (type === 'container' || type === 'volume') this.schedule(type === 'container' ? 'containers' : 'volumes');
          if (type === 'image') this.schedule('images');
          // Removing a container can free a dangling image, creating one uses an image: keep both fresh.
          if (type === 'container') this.schedule('images');
        } catch { /* partial or foreign line */ }
      }
    });
    const ended = () => { if (this.stream === stream) { this.stream = undefined; this.retry(docker); } };
    stream.on('end', ended);
    stream.on('error', ended);
  }

  private retry(docker: Docker): void {
    setTimeout(() => { if (!this.disposed && this.streamFor === docker && this.engine.state === 'connected') void this.listen(docker); }, 5000);
  }

  private stopListening(): void {
    const s = this.stream;
    this.stream = undefined;
    this.streamFor = undefined;
    (s as any)?.destroy?.();
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.poll);
    for (const t of this.timers.values()) clearTimeout(t);
    this.sub.dispose();
    this.stopListening();
  }
}
