import * as assert from 'node:assert/strict';
import type { DockerfileModel, Position, Range } from '../../../engine/dockerfile/index';

const isPos = (v: unknown): v is Position =>
  typeof v === 'object' && v !== null && typeof (v as Position).line === 'number' && typeof (v as Position).character === 'number';
const isRange = (v: unknown): v is Range => typeof v === 'object' && v !== null && isPos((v as Range).start) && isPos((v as Range).end);
const cmp = (a: Position, b: Position) => (a.line !== b.line ? a.line - b.line : a.character - b.character);

/** Every range in the model lies inside the document with start <= end, and top-level
 * instructions and comments come in document order without overlapping. */
export function assertModelInvariants(text: string, model: DockerfileModel): void {
  const lines = text.split('\n');
  const inDoc = (p: Position, where: string) => {
    assert.ok(p.line >= 0 && p.line < lines.length, `${where}: line ${p.line} outside document`);
    assert.ok(p.character >= 0 && p.character <= lines[p.line].length, `${where}: character ${p.character} outside line ${p.line}`);
  };
  const seen = new Set<object>();
  const visit = (v: unknown, path: string): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if (isRange(v)) {
      inDoc(v.start, path);
      inDoc(v.end, path);
      assert.ok(cmp(v.start, v.end) <= 0, `${path}: start after end`);
      return;
    }
    for (const [k, child] of Object.entries(v)) {
      if (k === 'parent' || k === 'instruction' || k === 'text' || k === 'lineStarts') continue;
      visit(child, `${path}.${k}`);
    }
  };
  visit(model.directives, 'directives');
  visit(model.comments, 'comments');
  visit(model.instructions, 'instructions');
  visit(model.stages, 'stages');
  visit(model.problems, 'problems');
  for (let i = 1; i < model.instructions.length; i++) {
    const a = model.instructions[i - 1];
    const b = model.instructions[i];
    assert.ok(cmp(a.fullRange.end, b.range.start) <= 0, `instruction ${i} overlaps the previous one`);
    assert.ok(cmp(b.keywordRange.start, b.range.start) === 0, `instruction ${i} does not start at its keyword`);
  }
  for (const inst of model.instructions) {
    for (const w of inst.args) {
      if (inst.json) continue;
      assert.ok(w.start >= 0 && w.end <= text.length && w.start <= w.end, 'word offsets outside document');
    }
  }
  for (let i = 1; i < model.comments.length; i++) {
    assert.ok(cmp(model.comments[i - 1].range.end, model.comments[i].range.start) <= 0, 'comments out of order');
  }
}
