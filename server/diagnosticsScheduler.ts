// Debounced, cancellable diagnostics: a newer document version cancels the pending (or running)
// computation of an older one, so only the latest version's diagnostics are ever published.
import { CancellationTokenSource, type CancellationToken } from 'vscode-languageserver';

export type DiagnosticsJob = (uri: string, token: CancellationToken) => Promise<void>;

export class DiagnosticsScheduler {
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; source: CancellationTokenSource }>();

  constructor(private readonly job: DiagnosticsJob, private readonly delayMs = 150) {}

  /** Runs the job for `uri` after the debounce delay (`immediate`: on the next tick, e.g. on open). */
  schedule(uri: string, immediate = false): void {
    this.cancel(uri);
    const source = new CancellationTokenSource();
    const timer = setTimeout(() => {
      this.job(uri, source.token)
        .catch(() => undefined) // a failed run publishes nothing; the next edit schedules a new one
        .finally(() => {
          if (this.pending.get(uri)?.source === source) this.pending.delete(uri);
          source.dispose();
        });
    }, immediate ? 0 : this.delayMs);
    this.pending.set(uri, { timer, source });
  }

  cancel(uri: string): void {
    const entry = this.pending.get(uri);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.source.cancel();
    this.pending.delete(uri);
  }

  dispose(): void {
    for (const uri of [...this.pending.keys()]) this.cancel(uri);
  }
}
