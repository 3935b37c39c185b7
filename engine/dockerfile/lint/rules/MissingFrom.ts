import { defineRule } from '../rule';

export default defineRule({
  code: 'MissingFrom',
  ruleClass: 'build',
  description: 'A Dockerfile must start with FROM (only ARG and parser directives may come before it)',
  check(ctx) {
    const { model } = ctx;
    const before = model.instructions.filter((i) => i.stageIndex < 0 && i.kind !== 'ARG' && i.kind !== 'UNKNOWN');
    for (const i of before) {
      ctx.reportOn(i, i.keywordRange, `${i.keywordText} must come after FROM: add a FROM line above it (only ARG may precede the first FROM)`);
    }
    if (model.stages.length === 0 && before.length === 0 && model.instructions.length > 0) {
      const last = model.instructions[model.instructions.length - 1];
      ctx.report({ range: last.keywordRange, message: 'No source image provided with FROM: add a FROM instruction (e.g. FROM alpine:3.20)' });
    }
  },
});
