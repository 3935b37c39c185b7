// Debounced, cancellable diagnostics: a newer document version cancels the pending (or running)
// computation of an older one, so only the latest version's diagnostics are ever published.
import { CancellationTokenSource, type CancellationToken } from 'vscode-languageserver';

export type DiagnosticsJob = (uri: string, token: CancellationToken) => Promise<void>;

export class DiagnosticsScheduler {
  private readonly pending = new Map<string, { stopTimer: () => void; source: CancellationTokenSource }>();

  constructor(private readonly job: DiagnosticsJob, private readonly delayMs = 150) {}

  /** Runs the job for `uri` after the debounce delay (`immediate`: on the next tick, e.g. on open). */
  schedule(uri: string, immediate = false): void {
    this.cancel(uri);
    const source = new CancellationTokenSource();
    const run = () => {
      this.job(uri, source.token)
        .catch(() => undefined) // a failed run publishes nothing; the next edit schedules a new one
        .finally(() => {
          if (this.pending.get(uri)?.source === source) this.pending.delete(uri);
          source.dispose();
        });
    };
    // setImmediate, not setTimeout(0): timers are clamped to at least 1 ms.
    let stopTimer: () => void;
    if (immediate) {
      const handle = setImmediate(run);
      stopTimer = () => clearImmediate(handle);
    } else {
      const handle = setTimeout(run, this.delayMs);
      stopTimer = () => clearTimeout(handle);
    }
    this.pending.set(uri, { stopTimer, source });
  }

  cancel(uri: string): void {
    const entry = this.pending.get(uri);
    if (!entry) return;
    entry.stopTimer();
    entry.source.cancel();
    this.pending.delete(uri);
  }

  dispose(): void {
    for (const uri of [...this.pending.keys()]) this.cancel(uri);
  }
}
