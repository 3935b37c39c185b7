import type { DockerfileModel, Range, Word } from './model';

/** Document offset of the character at `index` in `word.text` (continuations accounted for). */
export function wordOffsetAt(word: Word, index: number): number {
  const segs = word.segments;
  if (!segs) return word.start + index;
  let s = 0;
  while (s + 1 < segs.length && segs[s + 1].textStart <= index) s++;
  return segs[s].offset + (index - segs[s].textStart);
}

/** Range of `word.text.slice(from, to)` in the document. Only valid for words whose text is
 * the source text (not JSON elements, whose text is the decoded value). */
export function wordSubRange(model: DockerfileModel, word: Word, from: number, to: number): Range {
  const start = wordOffsetAt(word, from);
  const end = to <= from ? start : wordOffsetAt(word, to - 1) + 1;
  return { start: model.positionAt(start), end: model.positionAt(end) };
}
