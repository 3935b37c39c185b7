import type { Instruction } from '../../model';
import { defineRule } from '../rule';
import { wholeLines } from '../text';

const SINGLE = ['CMD', 'ENTRYPOINT', 'HEALTHCHECK'];

export default defineRule({
  code: 'MultipleInstructionsDisallowed',
  ruleClass: 'check',
  description: 'Multiple instructions of the same type should not be used in the same stage',
  tags: ['unnecessary'],
  check(ctx) {
    for (const stage of ctx.model.stages) {
      const last = new Map<string, Instruction>();
      for (const i of stage.instructions) {
        if (!SINGLE.includes(i.kind)) continue;
        const previous = last.get(i.kind);
        if (previous) {
          ctx.reportOn(previous, previous.range, `Multiple ${i.kind} instructions should not be used in the same stage because only the last one will be used: remove this one`, [
            { title: `Remove the ignored ${i.kind}`, edits: [{ range: wholeLines(previous.fullRange), newText: '' }] },
          ]);
        }
        last.set(i.kind, i);
      }
    }
  },
});
