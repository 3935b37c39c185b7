/**
 * The variables of one stage over time: every ARG/ENV instruction is a new version, and a scope
 * is a (history, version) view. Taking a snapshot is O(1) and a lookup is a binary search in
 * that name's history, so a stage with thousands of ENV lines stays linear. A stage built FROM
 * an earlier stage falls back to the parent's history at the parent's final version.
 */
export class History<V> {
  private readonly entries = new Map<string, { versions: number[]; values: (V | undefined)[] }>();
  /** The current version; bump it with `next()` before recording an instruction's changes. */
  version = 0;

  constructor(private readonly parent?: { history: History<V>; version: number }) {}

  next(): number {
    return ++this.version;
  }

  /** Record `name` at the current version (`undefined` = not set). */
  set(name: string, value: V | undefined): void {
    let e = this.entries.get(name);
    if (!e) {
      e = { versions: [], values: [] };
      this.entries.set(name, e);
    }
    if (e.versions[e.versions.length - 1] === this.version) e.values[e.values.length - 1] = value;
    else {
      e.versions.push(this.version);
      e.values.push(value);
    }
  }

  get(name: string, version: number): V | undefined {
    const e = this.entries.get(name);
    if (e && e.versions[0] <= version) {
      let lo = 0;
      let hi = e.versions.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (e.versions[mid] <= version) lo = mid;
        else hi = mid - 1;
      }
      return e.values[lo];
    }
    return this.parent ? this.parent.history.get(name, this.parent.version) : undefined;
  }

  names(): Set<string> {
    const out = this.parent ? this.parent.history.names() : new Set<string>();
    for (const k of this.entries.keys()) out.add(k);
    return out;
  }

  /** A read-only map view of the variables at `version`. */
  at(version = this.version): VersionedMap<V> {
    return new VersionedMap(this, version);
  }
}

export class VersionedMap<V> implements ReadonlyMap<string, V> {
  private merged?: Map<string, V>;

  constructor(private readonly history: History<V>, private readonly version: number) {}

  get(key: string): V | undefined {
    return this.history.get(key, this.version);
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
      this.merged = new Map();
      for (const k of this.history.names()) {
        const v = this.get(k);
        if (v !== undefined) this.merged.set(k, v);
      }
    }
    return this.merged;
  }
}
