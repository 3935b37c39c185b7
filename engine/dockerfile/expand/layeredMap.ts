const DELETED = Symbol('deleted');

/**
 * An immutable map made of a shared base map and a small delta, so that each scope snapshot
 * costs O(delta) instead of a copy of every variable (a stage with thousands of ENV lines
 * would otherwise take quadratic time). The delta is folded into a new base every
 * `MAX_DELTA` changes; iteration materializes (and caches) the merged map.
 */
export class LayeredMap<V> implements ReadonlyMap<string, V> {
  private static readonly MAX_DELTA = 64;
  private merged?: Map<string, V>;

  private constructor(
    private readonly base: ReadonlyMap<string, V>,
    private readonly delta: ReadonlyMap<string, V | typeof DELETED>,
  ) {}

  static of<V>(entries: Iterable<[string, V]>): LayeredMap<V> {
    return new LayeredMap(new Map(entries), new Map());
  }

  /** A new map with `changes` applied (`undefined` removes the key). */
  with(changes: Iterable<[string, V | undefined]>): LayeredMap<V> {
    const delta = new Map(this.delta);
    for (const [k, v] of changes) delta.set(k, v === undefined ? DELETED : v);
    const next = new LayeredMap<V>(this.base, delta);
    return delta.size > LayeredMap.MAX_DELTA ? new LayeredMap(next.materialize(), new Map()) : next;
  }

  get(key: string): V | undefined {
    const d = this.delta.get(key);
    if (d === DELETED) return undefined;
    return d !== undefined ? d : this.base.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  get size(): number {
    return this.materialize().size;
  }

  forEach(fn: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [k, v] of this.materialize()) fn(v, k, this);
  }

  entries(): MapIterator<[string, V]> {
    return this.materialize().entries();
  }

  keys(): MapIterator<string> {
    return this.materialize().keys();
  }

  values(): MapIterator<V> {
    return this.materialize().values();
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  private materialize(): Map<string, V> {
    if (!this.merged) {
      const m = new Map(this.base);
      for (const [k, v] of this.delta) {
        if (v === DELETED) m.delete(k);
        else m.set(k, v);
      }
      this.merged = m;
    }
    return this.merged;
  }
}
