import type { Range, Segment, Word } from '../model';
import type { LineIndex } from './lineIndex';
import { WordNode } from './nodes';

/**
 * The logical text of one instruction: its physical lines joined the way BuildKit joins them
 * (continuation escapes, comment lines and empty lines removed), with a map back to document
 * offsets so every token keeps its exact source range.
 */
export class LogicalLine {
  text = '';
  readonly segments: Segment[] = [];

  constructor(readonly index: LineIndex) {}

  append(docStart: number, docEnd: number): void {
    if (docEnd <= docStart) return;
    this.segments.push({ textStart: this.text.length, offset: docStart });
    this.text += this.index.text.slice(docStart, docEnd);
  }

  private segmentOf(i: number): number {
    const segs = this.segments;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid].textStart <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Document offset of logical index `i` as a start position. */
  startOffset(i: number): number {
    if (this.segments.length === 0) return 0;
    if (i >= this.text.length) return this.endOffset(this.text.length);
    const s = this.segmentOf(i);
    return this.segments[s].offset + (i - this.segments[s].textStart);
  }

  /** Document offset just after logical index `i - 1` (an exclusive end). */
  endOffset(i: number): number {
    if (this.segments.length === 0) return 0;
    if (i <= 0) return this.segments[0].offset;
    const s = this.segmentOf(i - 1);
    return this.segments[s].offset + (i - this.segments[s].textStart);
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
    if (end > start) {
      const first = this.segmentOf(start);
      const last = this.segmentOf(end - 1);
      if (last > first && text.length === end - start) {
        w.segments = [{ textStart: 0, offset: docStart }];
        for (let s = first + 1; s <= last; s++) {
          w.segments.push({ textStart: this.segments[s].textStart - start, offset: this.segments[s].offset });
        }
      }
    }
    return w;
  }
}
