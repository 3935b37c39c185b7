/**
 * The model's most numerous nodes (words, flags, mount options) as small classes that keep
 * document offsets and make their ranges when read. An 8,000-line file has ~20k of them; with a
 * range object per token they were most of the model's objects, and the garbage collector's work
 * grows with every object that survives while a document is parsed and linted. Each read of a
 * range property returns a new (equal) range. `toJSON` gives the plain shape.
 */
import type { Flag, MountOption, Range, Segment, Word } from '../model';
import type { LineIndex } from './lineIndex';

export class WordNode implements Word {
  segments: Segment[] | undefined = undefined;

  constructor(private readonly index: LineIndex, readonly text: string, readonly start: number, readonly end: number) {}

  get range(): Range {
    return this.index.range(this.start, this.end);
  }

  toJSON(): Word {
    const w: Word = { text: this.text, range: this.range, start: this.start, end: this.end };
    if (this.segments) w.segments = this.segments;
    return w;
  }
}

/** `--name[=value]` flags and `key[=value]` mount options: document offsets of the parts. */
abstract class KeyValueNode {
  constructor(
    protected readonly index: LineIndex,
    protected readonly startOffset: number,
    protected readonly keyStart: number,
    protected readonly keyEnd: number,
    /** -1 when there is no `=value`. */
    protected readonly valueStart: number,
    protected readonly endOffset: number,
  ) {}

  get range(): Range {
    return this.index.range(this.startOffset, this.endOffset);
  }

  get valueRange(): Range | undefined {
    return this.valueStart < 0 ? undefined : this.index.range(this.valueStart, this.endOffset);
  }

  protected get partRange(): Range {
    return this.index.range(this.keyStart, this.keyEnd);
  }
}

export class FlagNode extends KeyValueNode implements Flag {
  name = '';
  value: string | undefined = undefined;
  valueText: string | undefined = undefined;

  get nameRange(): Range {
    return this.partRange;
  }

  toJSON(): Flag {
    const f: Flag = { name: this.name, nameRange: this.nameRange, range: this.range };
    if (this.value !== undefined) Object.assign(f, { value: this.value, valueText: this.valueText, valueRange: this.valueRange });
    return f;
  }
}

export class MountOptionNode extends KeyValueNode implements MountOption {
  key = '';
  value: string | undefined = undefined;

  get keyRange(): Range {
    return this.partRange;
  }

  toJSON(): MountOption {
    const o: MountOption = { key: this.key, keyRange: this.keyRange, range: this.range };
    if (this.value !== undefined) Object.assign(o, { value: this.value, valueRange: this.valueRange });
    return o;
  }
}
