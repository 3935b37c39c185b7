import type { Range, Segment, Word } from '../model';
import type { LineIndex } from './lineIndex';
import { WordNode } from './nodes';

/**
 * The logical text of one instruction: its physical lines joined the way BuildKit joins them
 * (continuation escapes, comment lines and empty lines removed), with a map back to document
 * offsets so every token keeps its exact source range. One LogicalLine is reused for every
 * instruction of a document (`reset`); the words made from it keep their own offsets.
 */
export class LogicalLine {
  text = '';
  /** Segment k starts at `textStarts[k]` in `text` and at document offset `offsets[k]`. */
  private readonly textStarts: number[] = [];
  private readonly offsets: number[] = [];
  private count = 0;

  constructor(readonly index: LineIndex) {}

  reset(): void {
    this.text = '';
    this.count = 0;
  }

  append(docStart: number, docEnd: number): void {
    if (docEnd <= docStart) return;
    this.textStarts[this.count] = this.text.length;
    this.offsets[this.count] = docStart;
    this.count++;
    this.text = this.count === 1 ? this.index.text.slice(docStart, docEnd) : this.text + this.index.text.slice(docStart, docEnd);
  }

  private segmentOf(i: number): number {
    const starts = this.textStarts;
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Document offset of logical index `i` as a start position. */
  startOffset(i: number): number {
    if (this.count === 0) return 0;
    if (i >= this.text.length) return this.endOffset(this.text.length);
    const s = this.count === 1 ? 0 : this.segmentOf(i);
    return this.offsets[s] + (i - this.textStarts[s]);
  }

  /** Document offset just after logical index `i - 1` (an exclusive end). */
  endOffset(i: number): number {
    if (this.count === 0) return 0;
    if (i <= 0) return this.offsets[0];
    const s = this.count === 1 ? 0 : this.segmentOf(i - 1);
    return this.offsets[s] + (i - this.textStarts[s]);
  }

  range(start: number, end: number): Range {
    const s = this.startOffset(start);
    return this.index.range(s, this.spanEnd(start, end));
  }

  /** Document offset where the span [start, end) ends (its start when empty). */
  spanEnd(start: number, end: number): number {
    return end > start ? this.endOffset(end) : this.startOffset(start);
  }

  word(start: number, end: number, text = this.text.slice(start, end)): Word {
    const docStart = this.startOffset(start);
    const docEnd = end > start ? this.endOffset(end) : docStart;
    const w = new WordNode(this.index, text, docStart, docEnd);
    if (end > start && this.count > 1) {
      const first = this.segmentOf(start);
      const last = this.segmentOf(end - 1);
      if (last > first && text.length === end - start) {
        const segments: Segment[] = [{ textStart: 0, offset: docStart }];
        for (let s = first + 1; s <= last; s++) segments.push({ textStart: this.textStarts[s] - start, offset: this.offsets[s] });
        w.segments = segments;
      }
    }
    return w;
  }
}
