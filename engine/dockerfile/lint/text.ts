/** Small text helpers shared by rules. */
import type { Range } from '../model';

// Module-level regexes: a regex literal inside a function is a new RegExp object on every call.
const ASCII = /^[\x00-\x7f]*$/;
const LOWER = /[a-z]/;
const UPPER = /[A-Z]/;
/** No lowercase letter (regex for ASCII, so no string is allocated for keywords). */
export const isUpper = (s: string): boolean => (ASCII.test(s) ? !LOWER.test(s) : s === s.toUpperCase());
/** No uppercase letter. */
export const isLower = (s: string): boolean => (ASCII.test(s) ? !UPPER.test(s) : s === s.toLowerCase());

/** The whole lines of a range, for deleting an instruction. */
export function wholeLines(range: Range): Range {
  return { start: { line: range.start.line, character: 0 }, end: { line: range.end.line + 1, character: 0 } };
}

/** Edit distance counting insertions, deletions, substitutions and adjacent transpositions. */
export function editDistance(a: string, b: string): number {
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[b.length];
}

/** The closest candidate within a small edit distance (at most a third of the name, 1..3), or undefined. */
export function suggest(name: string, candidates: Iterable<string>, caseInsensitive = false): string | undefined {
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  const norm = (s: string) => (caseInsensitive ? s.toLowerCase() : s);
  const wanted = norm(name);
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    if (c === name || Math.abs(c.length - name.length) >= bestDistance) continue;
    const d = editDistance(wanted, norm(c));
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
