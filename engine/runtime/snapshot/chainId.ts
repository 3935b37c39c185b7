// OCI chain IDs: the identity of "layers 0..n applied in order" (image-spec config.md).
import { createHash } from 'node:crypto';

export function chainIds(diffIDs: string[]): string[] {
  const out: string[] = [];
  for (const d of diffIDs) {
    if (!/^sha256:[a-f0-9]{64}$/.test(d)) throw new Error(`invalid diffID: ${d}`);
    const prev = out[out.length - 1];
    out.push(prev ? `sha256:${createHash('sha256').update(`${prev} ${d}`).digest('hex')}` : d);
  }
  return out;
}
