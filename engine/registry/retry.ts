// When to try a registry transfer again: transient failures only (resets, refused/unreachable,
// 5xx), with exponential backoff (200 ms, ×3), a bounded number of times. Never after an abort.
import { RegistryError } from './errors';

function isTransient(e: unknown): boolean {
  if ((e as Error)?.name === 'AbortError') return false;
  return (e instanceof RegistryError && (e.kind === 'unreachable' || e.kind === 'server')) || /ECONNRESET|terminated|socket|other side closed/i.test(String((e as Error)?.message) + String((e as { cause?: Error })?.cause?.message ?? ''));
}

/** For a transient failure within `max` attempts: waits (backoff 200 ms ×3) and says yes. */
export async function retryDelay(e: unknown, attempt: number, max: number): Promise<boolean> {
  if (!isTransient(e) || attempt >= max) return false;
  await new Promise((r) => setTimeout(r, 200 * 3 ** (attempt - 1)));
  return true;
}
