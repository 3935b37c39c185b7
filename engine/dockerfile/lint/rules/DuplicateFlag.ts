import { specOf } from '../specOf';
import { defineRule } from '../rule';

export default defineRule({
  code: 'DuplicateFlag',
  ruleClass: 'build',
  description: 'A flag given twice that may appear only once',
  check(ctx) {
    for (const i of ctx.withFlags()) {
      if (i.flags.length < 2) continue;
      const spec = specOf(i);
      if (!spec) continue;
      const seen = new Set<string>();
      for (const flag of i.flags) {
        const flagSpec = spec.flags.find((f) => f.name === flag.name);
        if (!flagSpec || flagSpec.repeatable) continue;
        if (seen.has(flag.name)) ctx.reportOn(i, flag.range, `Duplicate flag specified: ${flag.name}: keep only one --${flag.name}`);
        seen.add(flag.name);
      }
    }
  },
});
