import type { Flag } from '../../model';
import { defineRule } from '../rule';
import { parseGoDuration } from '../values/duration';

const DURATIONS = ['interval', 'timeout', 'start-period', 'start-interval'];

export default defineRule({
  code: 'InvalidDuration',
  ruleClass: 'build',
  description: 'HEALTHCHECK durations must be Go durations (30s, 1m30s) of at least 1ms, and --retries at least 1',
  check(ctx) {
    for (const i of ctx.ofKind('HEALTHCHECK')) {
      if (i.kind !== 'HEALTHCHECK') continue;
      for (const flag of i.flags) {
        if (flag.value === undefined || flag.value.includes('$')) continue;
        const at: Flag['range'] = flag.valueRange ?? flag.range;
        if (DURATIONS.includes(flag.name)) {
          const d = parseGoDuration(flag.value);
          if (!d.ok) ctx.reportOn(i, at, `${d.message}: write a duration such as 30s, 1m30s or 500ms`);
          else if (d.milliseconds < 0) ctx.reportOn(i, at, `Interval "${flag.name}" cannot be negative`);
          else if (d.milliseconds > 0 && d.milliseconds < 1) ctx.reportOn(i, at, `Interval "${flag.name}" cannot be less than 1ms`);
        } else if (flag.name === 'retries') {
          if (!/^[-+]?\d+$/.test(flag.value)) ctx.report({ code: 'InvalidFlagValue', range: at, instruction: ctx.topLevelIndex(i), message: `parsing "${flag.value}": invalid syntax: --retries takes a whole number` });
          else if (Number(flag.value) < 1) ctx.report({ code: 'InvalidFlagValue', range: at, instruction: ctx.topLevelIndex(i), message: `--retries must be at least 1 (not ${flag.value})` });
        }
      }
    }
  },
});
