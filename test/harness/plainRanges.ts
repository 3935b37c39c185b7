// The model computes range positions when they are first read (OffsetRange in
// engine/dockerfile/parser/lineIndex.ts), so a model range is not a plain `{ start, end }` object.
// Tests compare values with the ranges turned into the plain LSP shape they serialise to.
import * as assert from 'node:assert/strict';
import { OffsetRange } from '../../engine/dockerfile/parser/lineIndex';

/** A copy of `value` with every OffsetRange replaced by a plain `{ start, end }` (cycles kept). */
export function plainRanges<T>(value: T, seen = new Map<object, unknown>()): T {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof OffsetRange) return value.toJSON() as T;
  const done = seen.get(value);
  if (done) return done as T;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(plainRanges(item, seen));
    return out as T;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [key, item] of Object.entries(value)) out[key] = plainRanges(item, seen);
  return out as T;
}

/** `assert.deepEqual` (strict) of a value holding model ranges against plain expectations. */
export function deepEqualRanges(actual: unknown, expected: unknown, message?: string): void {
  assert.deepEqual(plainRanges(actual), plainRanges(expected), message);
}
