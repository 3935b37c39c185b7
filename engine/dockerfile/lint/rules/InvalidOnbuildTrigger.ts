import { defineRule } from '../rule';

export default defineRule({
  code: 'InvalidOnbuildTrigger',
  ruleClass: 'build',
  description: 'ONBUILD cannot trigger ONBUILD, FROM or MAINTAINER',
  check(ctx) {
    for (const i of ctx.ofKind('ONBUILD')) {
      if (i.kind !== 'ONBUILD' || !i.trigger) continue;
      const t = i.trigger;
      if (t.kind === 'ONBUILD') ctx.reportOn(t, t.keywordRange, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed: remove one ONBUILD');
      else if (t.kind === 'FROM' || t.kind === 'MAINTAINER') ctx.reportOn(t, t.keywordRange, `${t.keyword} isn't allowed as an ONBUILD trigger`);
    }
  },
});
