// Model ranges compute their positions when read (OffsetRange in engine/dockerfile/parser/lineIndex.ts),
// and words, flags and mount options are small classes (parser/nodes.ts), so they are not plain objects.
// Tests compare values in the plain shape they serialise to (`toJSON`).
import * as assert from 'node:assert/strict';

/** A copy of `value` with every model node (anything with `toJSON`) in its plain shape (cycles kept). */
export function plainRanges<T>(value: T, seen = new Map<object, unknown>()): T {
  if (value === null || typeof value !== 'object') return value;
  const done = seen.get(value);
  if (done) return done as T;
  const toJSON = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof toJSON === 'function') {
    // Instructions refer to each other (ONBUILD trigger ↔ parent): register before descending.
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    const shape = toJSON.call(value);
    if (shape === null || typeof shape !== 'object' || Array.isArray(shape)) return shape as T;
    for (const [key, item] of Object.entries(shape)) out[key] = plainRanges(item, seen);
    return out as T;
  }
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
