import type { Position, Range } from '../model';

/** Offsets of line starts; a line ends at `\n` (a preceding `\r` belongs to the line break). */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  let i = text.indexOf('\n');
  while (i !== -1) {
    starts.push(i + 1);
    i = text.indexOf('\n', i + 1);
  }
  return starts;
}

export class LineIndex {
  readonly lineStarts: number[];
  private lastLine = 0;
  constructor(readonly text: string) {
    this.lineStarts = computeLineStarts(text);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Offset just past the line's content (before `\r\n` / `\n`). */
  lineEnd(line: number): number {
    const start = this.lineStarts[line];
    if (line + 1 >= this.lineStarts.length) return this.text.length;
    const nl = this.lineStarts[line + 1] - 1;
    return nl > start && this.text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
  }

  /**
   * The last few positions handed out: ranges of one instruction share most offsets (keyword and
   * instruction start, argument and instruction end, key and pair start, ...), so they share the
   * (never mutated) Position objects — fewer live objects make garbage collection cheaper.
   */
  private readonly recentOffsets = [-1, -1, -1, -1];
  private readonly recentPositions: Position[] = [];
  private recentNext = 0;

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const recent = this.recentOffsets;
    for (let k = 0; k < 4; k++) if (recent[k] === o) return this.recentPositions[k];
    const p = this.computePosition(o);
    const slot = this.recentNext;
    recent[slot] = o;
    this.recentPositions[slot] = p;
    this.recentNext = (slot + 1) & 3;
    return p;
  }

  private computePosition(o: number): Position {
    const starts = this.lineStarts;
    // The parser asks for positions in document order: try the line of the previous answer first.
    const h = this.lastLine;
    if (starts[h] <= o && (h + 1 >= starts.length || o < starts[h + 1])) return { line: h, character: o - starts[h] };
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    this.lastLine = lo;
    return { line: lo, character: o - starts[lo] };
  }

  offsetAt(position: Position): number {
    if (position.line < 0) return 0;
    if (position.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[position.line];
    const end = position.line + 1 < this.lineStarts.length ? this.lineStarts[position.line + 1] : this.text.length;
    return Math.max(start, Math.min(start + position.character, end));
  }

  /** The range of [start, end): its positions are computed when read (see OffsetRange). */
  range(start: number, end: number): Range {
    return new OffsetRange(this, start, end);
  }
}

/**
 * A range whose line/character positions are computed from its document offsets when read.
 * A model has a range on every token (~45k for an 8,000-line file) and most are never read: a
 * range is read when a problem is reported or a feature answers. Creating them eagerly (a binary
 * search and two objects each) was the largest part of parsing a big file and of its garbage
 * collection. It serialises (`toJSON`) as the plain LSP `{ start, end }`.
 */
export class OffsetRange implements Range {
  constructor(private readonly index: LineIndex, readonly startOffset: number, readonly endOffset: number) {}

  get start(): Position {
    return this.index.positionAt(this.startOffset);
  }

  get end(): Position {
    return this.index.positionAt(this.endOffset);
  }

  toJSON(): Range {
    return { start: this.start, end: this.end };
  }
}
