/**
 * The model's most numerous nodes (words, flags, mount options) as small classes that keep
 * document offsets and make their ranges when read. An 8,000-line file has ~20k of them; with a
 * range object per token they were most of the model's objects, and the garbage collector's work
 * grows with every object that survives while a document is parsed and linted. Each read of a
 * range property returns a new (equal) range. `toJSON` gives the plain shape.
 */
import type { Comment, Flag, Heredoc, JsonArray, MountOption, OnbuildInstruction, Range, Segment, Word } from '../model';
import type { LineIndex } from './lineIndex';
import { NONE } from './lists';

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

/**
 * An instruction: the fields of the Instruction interfaces (kind-specific ones are added by the
 * parser), with its four ranges made from document offsets when read.
 */
export class InstructionNode {
  readonly #index: LineIndex;
  readonly #start: number;
  readonly #keywordEnd: number;
  /** -1 without arguments. */
  readonly #argsStart: number;
  readonly #end: number;
  /** Past heredoc bodies and terminators. */
  fullEnd: number;
  flags: Flag[] = NONE;
  args: Word[] = NONE;
  json: JsonArray | undefined = undefined;
  // Shared frozen empty arrays: the parser sets the instruction's own lists when it has any.
  heredocs: Heredoc[] = NONE;
  continuations: Range[] = NONE;
  emptyContinuationLines: Range[] = NONE;
  comments: Comment[] = NONE;
  stageIndex = -1;
  index = -1;
  parent: OnbuildInstruction | undefined = undefined;

  constructor(
    index: LineIndex, start: number, keywordEnd: number, argsStart: number, end: number,
    readonly kind: string, readonly keyword: string, readonly keywordText: string, readonly argsText: string,
  ) {
    this.#index = index;
    this.#start = start;
    this.#keywordEnd = keywordEnd;
    this.#argsStart = argsStart;
    this.#end = end;
    this.fullEnd = end;
  }

  get keywordRange(): Range {
    return this.#index.range(this.#start, this.#keywordEnd);
  }

  get range(): Range {
    return this.#index.range(this.#start, this.#end);
  }

  get fullRange(): Range {
    return this.#index.range(this.#start, this.fullEnd);
  }

  get argsRange(): Range | undefined {
    return this.#argsStart < 0 ? undefined : this.#index.range(this.#argsStart, this.#end);
  }

  toJSON(): Record<string, unknown> {
    const fields: Record<string, unknown> = { ...(this as object) };
    delete fields.fullEnd;
    return { ...fields, keywordRange: this.keywordRange, range: this.range, fullRange: this.fullRange, argsRange: this.argsRange };
  }
}
