import { expandedWords } from '../expansions';
import { defineRule } from '../rule';
import { parseImageReference } from '../values/reference';

export default defineRule({
  code: 'InvalidReference',
  ruleClass: 'build',
  description: 'FROM must name an image with a valid reference (name[:tag][@digest]), an earlier stage or scratch',
  check(ctx) {
    for (const w of expandedWords(ctx)) {
      if (w.role !== 'from-image' || w.result.references.length > 0 || w.result.errors.length > 0) continue;
      const parsed = parseImageReference(w.result.value);
      if (!('error' in parsed)) continue;
      ctx.reportOn(w.instruction, w.range, `${parsed.error}: '${w.result.value}' is not a valid image reference (name[:tag][@digest], lowercase)`);
    }
  },
});
