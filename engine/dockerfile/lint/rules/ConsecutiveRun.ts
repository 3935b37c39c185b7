import { definePractice } from '../practice';

export default definePractice('DL3059', {
  code: 'ConsecutiveRun',
  description: 'Multiple consecutive RUN instructions. Consider consolidation',
  defaultSeverity: 'off',
  check(ctx) {
    for (const stage of ctx.model.stages) {
      for (let n = 1; n < stage.instructions.length; n++) {
        const prev = stage.instructions[n - 1];
        const i = stage.instructions[n];
        if (i.kind !== 'RUN' || prev.kind !== 'RUN' || i.mounts.length > 0 || prev.mounts.length > 0 || i.flags.length + prev.flags.length > 0) continue;
        ctx.reportOn(i, i.keywordRange, 'Consecutive RUN instructions each add a layer: consider joining them with &&');
      }
    }
  },
});
