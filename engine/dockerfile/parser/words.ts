/**
 * Word-level scanners over an instruction's logical text, mirroring BuildKit's parser helpers
 * (frontend/dockerfile/parser: extractBuilderFlags, parseWords, parseStringsWhitespaceDelimited,
 * parseJSON). They return spans [start, end) into the logical text so callers keep ranges.
 */

export interface Span {
  start: number;
  end: number;
}

import { isGoSpace as isSpace } from '../goUnicode';

export { isSpace };

/** BuildKit's reWhitespace: `[\t\v\f\r ]`. */
export function isFieldSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

export function skipSpaces(t: string, p: number, end = t.length): number {
  while (p < end && isSpace(t.charCodeAt(p))) p++;
  return p;
}

export function trimEnd(t: string, start: number, end = t.length): number {
  while (end > start && isSpace(t.charCodeAt(end - 1))) end--;
  return end;
}

export interface FlagWord extends Span {
  /** The word with quotes removed and `\x` escapes resolved (extractBuilderFlags). */
  value: string;
}

/** Unquote a flag word the way extractBuilderFlags does (backslash always escapes). */
export function unquoteFlagText(t: string, start: number, end: number): string {
  // Most flag words have nothing to unquote: one slice, not a string built character by character.
  let plain = true;
  for (let p = start; p < end && plain; p++) {
    const c = t.charCodeAt(p);
    plain = c !== 39 && c !== 34 && c !== 92;
  }
  if (plain) return t.slice(start, end);
  let out = '';
  let quote = 0;
  for (let p = start; p < end; p++) {
    const c = t.charCodeAt(p);
    if (quote === 0 && (c === 39 || c === 34)) {
      quote = c;
      continue;
    }
    if (quote !== 0 && c === quote) {
      quote = 0;
      continue;
    }
    if (c === 92) {
      if (p + 1 === end) continue;
      p++;
    }
    out += t[p];
  }
  return out;
}

/** The extent of one flag word starting at `start` (ends at unquoted whitespace). */
export function scanFlagWord(t: string, start: number, end: number): number {
  let quote = 0;
  let p = start;
  for (; p < end; p++) {
    const c = t.charCodeAt(p);
    if (quote === 0) {
      if (isSpace(c)) break;
      if (c === 39 || c === 34) quote = c;
      else if (c === 92 && p + 1 < end) p++;
    } else if (c === quote) {
      quote = 0;
    } else if (c === 92 && p + 1 < end) {
      p++;
    }
  }
  return p;
}

/** BuildKit's parseWords (ENV/LABEL/ARG): quote-aware, keeps quotes and escapes in the word. */
export function parseWords(t: string, start: number, end: number, escape: number): Span[] {
  const out: Span[] = [];
  let p = start;
  while (p < end) {
    p = skipSpaces(t, p, end);
    if (p >= end) break;
    const s = p;
    let quote = 0;
    for (; p < end; p++) {
      const c = t.charCodeAt(p);
      if (quote === 0) {
        if (isSpace(c)) break;
        if (c === 39 || c === 34) quote = c;
        else if (c === escape && p + 1 < end) p++;
      } else if (c === quote) {
        quote = 0;
      } else if (c === escape && quote !== 39 && p + 1 < end) {
        p++;
      }
    }
    out.push({ start: s, end: p });
  }
  return out;
}

export interface JsonScan {
  elements: { value: string; start: number; end: number }[];
  start: number;
  end: number;
}

/**
 * BuildKit's parseJSON: a json.Decoder reads the first JSON value of the argument text, so
 * trailing text after a valid array is ignored. Returns undefined when it is not a JSON array
 * (→ shell form), 'not-strings' when the array has a non-string element.
 */
export function scanJsonArray(t: string, start: number, end: number): JsonScan | 'not-strings' | undefined {
  if (t.charCodeAt(start) !== 91 /* [ */) return undefined;
  const close = endOfJsonValue(t, start, end);
  if (close < 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(t.slice(start, close));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  if (!parsed.every((e) => typeof e === 'string')) return 'not-strings';
  const elements: JsonScan['elements'] = [];
  let p = start + 1;
  for (const value of parsed as string[]) {
    while (p < close && t.charCodeAt(p) !== 34) p++;
    const s = p++;
    while (p < close && t.charCodeAt(p) !== 34) p += t.charCodeAt(p) === 92 ? 2 : 1;
    p++;
    elements.push({ value, start: s, end: p });
  }
  return { elements, start, end: close };
}

/** Offset just past the bracketed JSON value starting at `start`, or -1 if it never closes. */
function endOfJsonValue(t: string, start: number, end: number): number {
  let depth = 0;
  for (let p = start; p < end; p++) {
    const c = t.charCodeAt(p);
    if (c === 34) {
      for (p++; p < end && t.charCodeAt(p) !== 34; p++) if (t.charCodeAt(p) === 92) p++;
    } else if (c === 91 || c === 123) depth++;
    else if (c === 93 || c === 125) {
      depth--;
      if (depth === 0) return p + 1;
    }
  }
  return -1;
}

/**
 * Remove shell quoting from a word the way BuildKit's lexer does without expansion (used for
 * heredoc delimiters). Returns the text and whether any quote acted as a quote.
 */
export function shellUnquote(word: string, escape: string): { text: string; quoted: boolean } {
  let text = '';
  let quoted = false;
  for (let p = 0; p < word.length; p++) {
    const ch = word[p];
    if (ch === "'") {
      quoted = true;
      const close = word.indexOf("'", p + 1);
      const stop = close === -1 ? word.length : close;
      text += word.slice(p + 1, stop);
      p = stop;
    } else if (ch === '"') {
      quoted = true;
      p++;
      for (; p < word.length && word[p] !== '"'; p++) {
        if (word[p] === escape && p + 1 < word.length && (word[p + 1] === '"' || word[p + 1] === '$' || word[p + 1] === escape)) p++;
        text += word[p];
      }
    } else if (ch === escape) {
      if (p + 1 < word.length) text += word[++p];
    } else {
      text += ch;
    }
  }
  return { text, quoted };
}
