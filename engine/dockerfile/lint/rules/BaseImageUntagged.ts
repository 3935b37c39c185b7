import { expandedWords } from '../expansions';
import { definePractice } from '../practice';
import { parseImageReference } from '../values/reference';

export default definePractice('DL3006', {
  code: 'BaseImageUntagged',
  description: 'Always tag the version of an image explicitly',
  check(ctx) {
    const stageNames = new Set(ctx.model.stages.map((s) => s.name));
    for (const w of expandedWords(ctx)) {
      if (w.role !== 'from-image' || w.result.errors.length > 0 || w.result.unmatched.length > 0) continue;
      const value = w.result.value;
      if (value === 'scratch' || stageNames.has(value.toLowerCase())) continue;
      const ref = parseImageReference(value);
      if ('error' in ref || ref.tag || ref.digest) continue;
      ctx.reportOn(w.instruction, w.range, `Base image '${value}' has no tag, so it means ':latest' and changes under you: pin a tag, e.g. ${value}:<version>`);
    }
  },
});
