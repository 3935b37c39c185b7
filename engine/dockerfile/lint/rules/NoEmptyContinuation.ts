import { defineRule } from '../rule';

export default defineRule({
  code: 'NoEmptyContinuation',
  ruleClass: 'check',
  description: 'Empty continuation lines will become errors in a future release',
  check(ctx) {
    for (const instruction of ctx.model.instructions) {
      if (instruction.emptyContinuationLines.length === 0) continue;
      for (const empty of instruction.emptyContinuationLines) {
        const line = empty.start.line;
        ctx.reportOn(instruction, empty, 'Empty continuation line: remove it (empty lines inside a continued instruction will become errors in a future release)', [
          { title: 'Remove the empty continuation line', edits: [{ range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, newText: '' }], preferred: true },
        ]);
      }
    }
  },
});
