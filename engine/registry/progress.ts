// Docker's JSON progress messages (jsonmessage.JSONMessage), emitted through a callback.

export interface ProgressMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  progress?: string;
  aux?: Record<string, unknown>;
  error?: string;
  errorDetail?: { message: string; code?: number };
}

export type OnProgress = (m: ProgressMessage) => void;

/** Throttles per-id "Downloading"/"Pushing" updates to at most one per `ms`. */
export function throttledProgress(onProgress: OnProgress | undefined, status: string, id: string, total: number, ms = 100): (current: number) => void {
  let last = 0;
  return (current) => {
    const now = Date.now();
    if (!onProgress || (now - last < ms && current < total)) return;
    last = now;
    onProgress({ status, id, progressDetail: { current, total } });
  };
}

/** Runs `fn` over `items` with at most `limit` running at once; rejects on the first failure. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const i = next++;
      try {
        results[i] = await fn(items[i], i);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed !== undefined) throw failed;
  return results;
}
