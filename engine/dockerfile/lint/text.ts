/** Small text helpers shared by rules. */
import type { Range } from '../model';

export const isUpper = (s: string): boolean => s === s.toUpperCase();
export const isLower = (s: string): boolean => s === s.toLowerCase();

/** The whole lines of a range, for deleting an instruction. */
export function wholeLines(range: Range): Range {
  return { start: { line: range.start.line, character: 0 }, end: { line: range.end.line + 1, character: 0 } };
}

/** Edit distance counting insertions, deletions, substitutions and adjacent transpositions. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The closest candidate within BuildKit's suggestion distance (or undefined). */
export function suggest(name: string, candidates: Iterable<string>, caseInsensitive = false): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const norm = (s: string) => (caseInsensitive ? s.toLowerCase() : s);
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(norm(name), norm(c));
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  return bestDistance <= limit ? best : undefined;
}
