import { expandedWords } from '../expansions';
import { definePractice } from '../practice';
import { parseImageReference } from '../values/reference';

export default definePractice('DL3007', {
  code: 'BaseImageLatest',
  description: 'Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag',
  check(ctx) {
    for (const w of expandedWords(ctx)) {
      if (w.role !== 'from-image' || w.result.errors.length > 0 || w.result.unmatched.length > 0) continue;
      const ref = parseImageReference(w.result.value);
      if ('error' in ref || ref.tag !== 'latest' || ref.digest) continue;
      const at = w.text.lastIndexOf(':latest');
      ctx.reportOn(w.instruction, at >= 0 ? w.rangeOf(at + 1, at + 7) : w.range, `':latest' changes under you: pin a release tag of ${ref.name}`);
    }
  },
});
