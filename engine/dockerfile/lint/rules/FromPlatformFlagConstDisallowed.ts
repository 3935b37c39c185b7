import { expandedWords } from '../expansions';
import { defineRule } from '../rule';
import { parsePlatform } from '../values/platform';

export default defineRule({
  code: 'FromPlatformFlagConstDisallowed',
  ruleClass: 'check',
  description: 'FROM --platform flag should not use a constant value',
  check(ctx) {
    for (const w of expandedWords(ctx)) {
      if (w.role !== 'from-platform' || w.instruction.kind !== 'FROM' || w.result.references.length > 0 || w.result.errors.length > 0) continue;
      const platform = parsePlatform(w.result.value);
      if (!platform) continue;
      const stageName = (w.instruction.stageName?.text ?? '').toLowerCase();
      if ([platform.os, platform.architecture, platform.variant].some((s) => s && stageName.includes(s))) continue;
      ctx.reportOn(w.instruction, w.range, `FROM --platform flag should not use constant value "${w.result.value}": use a build arg such as $BUILDPLATFORM or $TARGETPLATFORM, or name the stage after the platform`);
    }
  },
});
