import { expandedWords } from '../expansions';
import { defineRule } from '../rule';
import { parseImageReference } from '../values/reference';

export default defineRule({
  code: 'InvalidDefaultArgInFrom',
  ruleClass: 'check',
  description: 'Default value for global ARG results in an empty or invalid base image name',
  check(ctx) {
    const stageNames = new Set(ctx.model.stages.map((s) => s.name).filter((n) => n !== undefined));
    for (const w of expandedWords(ctx)) {
      if (w.role !== 'from-image' || w.result.references.length === 0 || w.result.errors.length > 0) continue;
      const value = w.result.value;
      if (value !== '' && (stageNames.has(value.toLowerCase()) || value === 'scratch' || !('error' in parseImageReference(value)))) continue;
      const names = [...new Set(w.result.references.map((r) => r.name))];
      ctx.reportOn(w.instruction, w.range, `Default value for ARG ${names.map((n) => `$${n}`).join(', ')} results in ${value === '' ? 'an empty' : `an invalid ('${value}')`} base image name: give ARG ${names[0]} a default (before the first FROM) that makes a valid image reference`);
    }
  },
});
