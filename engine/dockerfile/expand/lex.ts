/**
 * BuildKit's shell-word lexer and variable expansion (frontend/dockerfile/shell/lex.go),
 * re-implemented by hand because the builder must expand exactly as BuildKit does and the
 * editor needs the same answer plus offsets; no JS library implements these semantics.
 *
 * Supported: `$a ${a} ${a:-w} ${a-w} ${a:+w} ${a+w} ${a:?e} ${a?e} ${a#p} ${a##p} ${a%p} ${a%%p}
 * ${a/p/r} ${a//p/r}` (patterns are shell globs with `*` and `?`), single/double quotes and the
 * escape token (`\` or `` ` ``). Like BuildKit, processing stops at the first error.
 */
import { isGoSpace } from '../goUnicode';
import type { EscapeChar } from '../model';
import { compileGlob, globReplace, globSearch, reverseGlob, type Glob } from './glob';

export interface ExpandOptions {
  /** The Dockerfile's escape token (default `\`). */
  escapeChar?: EscapeChar;
  /** Keep quote characters in the result (BuildKit's RawQuotes). */
  rawQuotes?: boolean;
  /** Keep escape characters in the result (BuildKit's RawEscapes). */
  rawEscapes?: boolean;
  /** Leave references to unset variables as written (BuildKit's SkipUnsetEnv). */
  skipUnset?: boolean;
  /** Also split the result into fields (`words`, BuildKit's ProcessWords). */
  splitWords?: boolean;
}

export interface ExpandError {
  message: string;
  /** Offset in the input where the failing construct starts (e.g. its `$`). */
  offset: number;
  /** Offset where processing stopped. */
  end: number;
}

/** One `$name` / `${name...}` occurrence in the input. */
export interface VariableReference {
  name: string;
  /** Offsets of the whole `$...` construct in the input. */
  start: number;
  end: number;
  /** Offsets of the name. */
  nameStart: number;
  nameEnd: number;
  /** The modifier operator after the name (`:-`, `-`, `:+`, `#`, `##`, `/`, `//`, ...), if any. */
  modifier?: string;
}

export interface ExpandResult {
  /** The expanded word (BuildKit's ProcessWord result). */
  value: string;
  /** With `splitWords`: the result split into words after expansion, quotes respected (ProcessWords). */
  words?: string[];
  /** Names that were found in the environment. */
  matched: string[];
  /** Names that were looked up and not found. */
  unmatched: string[];
  /** Every variable reference, in input order. */
  references: VariableReference[];
  /** At most one error: BuildKit stops at the first. */
  errors: ExpandError[];
}

/** The environment: set variables only (an ARG without a value is not set). */
export type Env = ReadonlyMap<string, string>;

class LexError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const EOF = -1;
const SPECIAL = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);
const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

/** `\p{Nd}` on the UTF-16 unit at `i` (as the lexer reads units), without a regex for ASCII. */
function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c < 128 ? c >= 48 && c <= 57 : DIGIT.test(s[i]);
}

/** `\p{L}` on the UTF-16 unit at `i`, without a regex for ASCII. */
function isLetter(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c < 128 ? (c >= 65 && c <= 90) || (c >= 97 && c <= 122) : LETTER.test(s[i]);
}

function isSpaceChar(ch: string): boolean {
  return isGoSpace(ch.charCodeAt(0));
}

class Words {
  word = '';
  words: string[] = [];
  inWord = false;
  addChar(ch: string): void {
    if (isSpaceChar(ch)) {
      if (this.inWord && this.word.length) {
        this.words.push(this.word);
        this.word = '';
        this.inWord = false;
      }
    } else this.addRaw(ch);
  }
  addRaw(s: string): void {
    this.word += s;
    this.inWord = true;
  }
  /** `addChar` for every character, appending runs of non-space characters in one piece
   * (an expanded `$PATH` can be long; a space is never part of a surrogate pair). */
  addString(s: string): void {
    let run = 0;
    for (let i = 0; i < s.length; i++) {
      if (!isGoSpace(s.charCodeAt(i))) continue;
      if (i > run) this.addRaw(s.slice(run, i));
      if (this.inWord && this.word.length) {
        this.words.push(this.word);
        this.word = '';
        this.inWord = false;
      }
      run = i + 1;
    }
    if (run < s.length) this.addRaw(s.slice(run));
  }
  done(): string[] {
    if (this.word.length) {
      this.words.push(this.word);
      this.word = '';
      this.inWord = false;
    }
    return this.words;
  }
}

class ShellWord {
  pos = 0;
  /** Names found / not found, each once, in lookup order (few per word: arrays beat Sets). */
  readonly matched: string[] = [];
  readonly unmatched: string[] = [];
  readonly references: VariableReference[] = [];
  private readonly escape: string;

  constructor(private readonly src: string, private readonly env: Env, private readonly opts: ExpandOptions) {
    this.escape = opts.escapeChar ?? '\\';
  }

  private peek(): string | typeof EOF {
    return this.pos < this.src.length ? this.src[this.pos] : EOF;
  }

  private next(): string | typeof EOF {
    return this.pos < this.src.length ? this.src[this.pos++] : EOF;
  }

  processStopOn(stop: string | typeof EOF, rawEscapes: boolean, words?: Words): string {
    let result = '';
    while (this.peek() !== EOF) {
      const ch = this.peek() as string;
      if (stop !== EOF && ch === stop) {
        this.pos++;
        return result;
      }
      if (ch === '$') {
        const tmp = this.processDollar();
        result += tmp;
        words?.addString(tmp);
      } else if (ch === "'") {
        const tmp = this.processSingleQuote();
        result += tmp;
        words?.addRaw(tmp);
      } else if (ch === '"') {
        const tmp = this.processDoubleQuote(rawEscapes);
        result += tmp;
        words?.addRaw(tmp);
      } else {
        let c = this.next() as string;
        if (c === this.escape) {
          if (rawEscapes) {
            words?.addRaw(c);
            result += c;
          }
          const n = this.next();
          if (n === EOF) break;
          c = n;
          words?.addRaw(c);
          result += c;
        } else {
          // A run of characters with no meaning here is appended in one piece.
          let j = this.pos;
          while (j < this.src.length && !this.special(this.src[j], stop)) j++;
          const run = j > this.pos ? c + this.src.slice(this.pos, j) : c;
          this.pos = j;
          words?.addString(run);
          result += run;
        }
      }
    }
    if (stop !== EOF) throw new LexError(`unexpected end of statement while looking for matching ${stop}`, this.pos);
    return result;
  }

  /** Characters `processStopOn` handles one by one. */
  private special(ch: string, stop: string | typeof EOF): boolean {
    return ch === '$' || ch === "'" || ch === '"' || ch === this.escape || ch === stop;
  }

  private processSingleQuote(): string {
    const start = this.pos;
    let result = '';
    const q = this.next() as string;
    if (this.opts.rawQuotes) result += q;
    for (;;) {
      const ch = this.next();
      if (ch === EOF) throw new LexError('unexpected end of statement while looking for matching single-quote', start);
      if (ch === "'") {
        if (this.opts.rawQuotes) result += ch;
        return result;
      }
      result += ch;
    }
  }

  private processDoubleQuote(rawEscapes: boolean): string {
    const start = this.pos;
    let result = '';
    const q = this.next() as string;
    if (this.opts.rawQuotes) result += q;
    for (;;) {
      const p = this.peek();
      if (p === EOF) throw new LexError('unexpected end of statement while looking for matching double-quote', start);
      if (p === '"') {
        this.pos++;
        if (this.opts.rawQuotes) result += p;
        return result;
      }
      if (p === '$') {
        result += this.processDollar();
        continue;
      }
      let ch = this.next() as string;
      if (ch === this.escape) {
        if (rawEscapes) result += ch;
        const n = this.peek();
        if (n === EOF) continue;
        if (n === '"' || n === '$' || n === this.escape) ch = this.next() as string;
      }
      result += ch;
    }
  }

  private lookup(name: string): { value: string; set: boolean } {
    const value = this.env.get(name);
    if (value === undefined) {
      if (!this.unmatched.includes(name)) this.unmatched.push(name);
      return { value: '', set: false };
    }
    if (!this.matched.includes(name)) this.matched.push(name);
    return { value, set: true };
  }

  private processDollar(): string {
    const start = this.pos;
    this.pos++; // $
    if (this.peek() !== '{') {
      const nameStart = this.pos;
      const name = this.processName();
      if (name === '') return '$';
      this.references.push({ name, start, end: this.pos, nameStart, nameEnd: this.pos });
      const { value, set } = this.lookup(name);
      if (!set && this.opts.skipUnset) return '$' + name;
      return value;
    }
    this.pos++; // {
    const first = this.peek();
    if (first === EOF) throw new LexError("syntax error: missing '}'", start);
    if (first === '{' || first === '}' || first === ':') throw new LexError('syntax error: bad substitution', start);
    const nameStart = this.pos;
    const name = this.processName();
    const nameEnd = this.pos;
    const ref: VariableReference = { name, start, end: this.pos, nameStart, nameEnd };
    if (name !== '') this.references.push(ref);
    const ch = this.next();
    if (ch === EOF) throw new LexError("syntax error: missing '}'", start);

    if (ch === '}') {
      ref.end = this.pos;
      const { value, set } = this.lookup(name);
      if (!set && this.opts.skipUnset) return `\${${name}}`;
      return value;
    }
    if (ch === ':' || ch === '+' || ch === '-' || ch === '?' || ch === '#' || ch === '%') {
      let op = ch;
      let modifier = ch;
      const nullIsUnset = ch === ':';
      if (nullIsUnset) {
        const n = this.next();
        if (n === EOF) throw new LexError("syntax error: missing '}'", start);
        modifier += n;
        if (n !== '-' && n !== '+' && n !== '?') throw new LexError(`unsupported modifier (${modifier}) in substitution`, start);
        op = n;
      }
      const rawEscapes = op === '#' || op === '%';
      let word: string;
      try {
        word = this.processStopOn('}', rawEscapes);
      } catch (e) {
        if (this.peek() === EOF) throw new LexError("syntax error: missing '}'", start);
        throw e;
      }
      ref.end = this.pos;
      const { value, set } = this.lookup(name);
      if (this.opts.skipUnset && !set) return `\${${name}${modifier}${word}}`;
      switch (op) {
        case '-':
          ref.modifier = modifier;
          return !set || (nullIsUnset && value === '') ? word : value;
        case '+':
          ref.modifier = modifier;
          return !set || (nullIsUnset && value === '') ? '' : word;
        case '?':
          ref.modifier = modifier;
          if (!set) throw new LexError(`${name}: ${word || 'is not allowed to be unset'}`, start);
          if (nullIsUnset && value === '') throw new LexError(`${name}: ${word || 'is not allowed to be empty'}`, start);
          return value;
        default: {
          let greedy = false;
          if (word.length > 0 && word[0] === op) {
            greedy = true;
            word = word.slice(1);
          }
          ref.modifier = greedy ? op + op : op;
          return op === '%' ? trimSuffix(word, value, greedy, start) : trimPrefix(word, value, greedy, start);
        }
      }
    }
    if (ch === '/') {
      const replaceAll = this.peek() === '/';
      if (replaceAll) this.pos++;
      ref.modifier = replaceAll ? '//' : '/';
      let pattern: string;
      try {
        pattern = this.processStopOn('/', true);
      } catch (e) {
        if (this.peek() === EOF) throw new LexError("syntax error: missing '/' in ${}", start);
        throw e;
      }
      let replacement: string;
      try {
        replacement = this.processStopOn('}', true);
      } catch (e) {
        if (this.peek() === EOF) throw new LexError("syntax error: missing '}'", start);
        throw e;
      }
      ref.end = this.pos;
      const { value, set } = this.lookup(name);
      if (this.opts.skipUnset && !set) return `\${${name}/${pattern}/${replacement}}`;
      return globReplace(compilePattern(pattern, true, start), value, replacement, replaceAll);
    }
    throw new LexError(`unsupported modifier (${ch}) in substitution`, start);
  }

  private processName(): string {
    const src = this.src;
    const start = this.pos;
    if (start < src.length && isDigit(src, start)) {
      while (this.pos < src.length && isDigit(src, this.pos)) this.pos++;
      return src.slice(start, this.pos);
    }
    if (start < src.length && SPECIAL.has(src[start])) {
      this.pos++;
      return src[start];
    }
    while (this.pos < src.length && (src.charCodeAt(this.pos) === 95 /* _ */ || isLetter(src, this.pos) || isDigit(src, this.pos))) this.pos++;
    return src.slice(start, this.pos);
  }
}

function compilePattern(pattern: string, greedy: boolean, offset: number): Glob {
  try {
    return compileGlob(pattern, greedy);
  } catch (e) {
    throw new LexError(`invalid pattern (${pattern}) in substitution: ${(e as Error).message}`, offset);
  }
}

function trimPrefix(pattern: string, value: string, greedy: boolean, offset: number): string {
  const input = [...value];
  const m = globSearch(compilePattern(pattern, greedy, offset), input, 0, true);
  return m ? input.slice(m[1]).join('') : value;
}

function trimSuffix(pattern: string, value: string, greedy: boolean, offset: number): string {
  // Like BuildKit: reverse pattern and value to turn the rightmost shortest match into a
  // leftmost one.
  const reversed = [...value].reverse().join('');
  return [...trimPrefix(reverseGlob(pattern), reversed, greedy, offset)].reverse().join('');
}

const NONE: never[] = Object.freeze([]) as never[];

/** A word without `$`, quotes or the escape character expands to itself (most words of a Dockerfile). */
export function isPlainWord(text: string, escapeChar: EscapeChar = '\\'): boolean {
  const escape = escapeChar.charCodeAt(0);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 36 || c === 39 || c === 34 || c === escape) return false;
  }
  return true;
}

function exact<T>(list: T[]): T[] {
  return list.length === 0 ? NONE : list.slice();
}

/** The fields of a plain word (ProcessWords splits at whitespace). */
function plainFields(text: string): string[] {
  let spaced = false;
  for (let i = 0; i < text.length && !spaced; i++) spaced = isGoSpace(text.charCodeAt(i));
  if (!spaced) return text === '' ? [] : [text];
  const words = new Words();
  words.addString(text);
  return words.done();
}

/** Expand one word with BuildKit's semantics (ProcessWordWithMatches). Never throws. */
export function expandWord(text: string, env: Env, opts: ExpandOptions = {}): ExpandResult {
  if (isPlainWord(text, opts.escapeChar)) {
    const result: ExpandResult = { value: text, matched: NONE, unmatched: NONE, references: NONE, errors: NONE };
    if (opts.splitWords) result.words = plainFields(text);
    return result;
  }
  const sw = new ShellWord(text, env, opts);
  const words = opts.splitWords ? new Words() : undefined;
  let value = '';
  let errors: ExpandError[] = NONE;
  try {
    value = sw.processStopOn(EOF, opts.rawEscapes ?? false, words);
  } catch (e) {
    if (!(e instanceof LexError)) throw e;
    errors = [{ message: e.message, offset: e.offset, end: sw.pos }];
    value = '';
  }
  // Results are often kept (the linter keeps every expanded word): lists of their exact length.
  const result: ExpandResult = { value, matched: exact(sw.matched), unmatched: exact(sw.unmatched), references: exact(sw.references), errors };
  if (words) result.words = errors.length ? [] : words.done();
  return result;
}
