import type { Flag, Instruction } from '../../model';
import type { FlagSpec } from '../../spec';
import { specOf } from '../specOf';
import { defineRule } from '../rule';
import { suggest } from '../text';
import { parsePlatform } from '../values/platform';
import { parseImageReference } from '../values/reference';
import type { LintContext } from '../context';

const BOOL = ['true', 'false'];
const CHMOD = /^([0-7]{3,4}|([ugoa]*[-+=]([rwxXst]*|[ugo]))(,([ugoa]*[-+=]([rwxXst]*|[ugo])))*)$/;
const CHECKSUM = /^([a-z0-9]+:[a-fA-F0-9]+|[0-9a-fA-F]{7,64})$/;

export default defineRule({
  code: 'InvalidFlagValue',
  ruleClass: 'build',
  description: 'A flag value the builder rejects (missing value, not a boolean, not an allowed value, bad platform, stage or permissions)',
  check(ctx) {
    for (const i of ctx.withFlags()) {
      const spec = specOf(i);
      if (!spec) continue;
      for (const flag of i.flags) {
        const flagSpec = spec.flags.find((f) => f.name === flag.name);
        if (flagSpec && flagSpec.type !== 'duration' && flagSpec.type !== 'int') checkValue(ctx, i, flag, flagSpec);
      }
    }
  },
});

function checkValue(ctx: LintContext, i: Instruction, flag: Flag, spec: FlagSpec): void {
  const value = flag.value;
  if (value === undefined) {
    if (spec.type !== 'bool') ctx.reportOn(i, flag.range, `Missing a value on flag: ${flag.name}: write --${flag.name}=<value>`);
    return;
  }
  if (value.includes('$')) return; // expanded at build time; checked by the expansion rules
  switch (spec.type) {
    case 'bool':
      if (!BOOL.includes(value.toLowerCase())) ctx.reportOn(i, valueRange(flag), `expecting boolean value for flag ${flag.name}, not: ${value}: use --${flag.name} or --${flag.name}=false`);
      break;
    case 'enum':
      if (!spec.values?.includes(value)) {
        const guess = suggest(value, spec.values ?? [], true);
        ctx.reportOn(i, valueRange(flag), `Invalid value for --${flag.name}: ${value}: use one of ${spec.values?.join(', ')}`, guess
          ? [{ title: `Change to ${guess}`, edits: [{ range: valueRange(flag), newText: guess }], preferred: true }]
          : []);
      }
      break;
    case 'platform':
      if (value === '' || !value.split(',').every((p) => parsePlatform(p.trim()))) ctx.reportOn(i, valueRange(flag), `failed to parse platform ${value}: use os/arch[/variant], e.g. linux/amd64`);
      break;
    case 'stage':
      checkFrom(ctx, i, flag, value);
      break;
    case 'string':
      if (value === '') ctx.reportOn(i, valueRange(flag), `Missing a value on flag: ${flag.name}: write --${flag.name}=<value>`);
      else if (flag.name === 'chmod' && !CHMOD.test(value)) ctx.reportOn(i, valueRange(flag), `invalid chmod value ${value}: use octal (0755) or symbolic (u+x) permissions`);
      else if (flag.name === 'checksum' && !CHECKSUM.test(value)) ctx.reportOn(i, valueRange(flag), `invalid checksum ${value}: use sha256:<hex> for HTTP sources or a commit SHA for Git`);
      break;
    default:
      break;
  }
}

const stageNamesKey = {};
const DIGITS = /^\d+$/;
function stageNames(ctx: LintContext): Set<string | undefined> {
  return ctx.memo(stageNamesKey, () => new Set(ctx.model.stages.map((s) => s.name)));
}

/** Where a flag's value problem is reported (read only when there is one: ranges are made on read). */
function valueRange(flag: Flag): Flag['range'] {
  return flag.valueRange ?? flag.range;
}

function checkFrom(ctx: LintContext, i: Instruction, flag: Flag, value: string): void {
  if (DIGITS.test(value)) {
    if (i.stageIndex >= 0 && Number(value) >= i.stageIndex && !i.parent) {
      ctx.reportOn(i, valueRange(flag), `invalid from flag value ${value}: stage ${value} is not an earlier stage (this is stage ${i.stageIndex})`);
    }
    return;
  }
  const current = ctx.model.stages[i.stageIndex];
  if (current?.name && current.name === value.toLowerCase() && !i.parent) {
    ctx.reportOn(i, valueRange(flag), `invalid from flag value ${value}: a stage cannot copy from itself`);
    return;
  }
  if (stageNames(ctx).has(value.toLowerCase())) return;
  const parsed = parseImageReference(value);
  if ('error' in parsed) ctx.reportOn(i, valueRange(flag), `invalid from flag value ${value}: ${parsed.error}: name an earlier stage, a build context or an image`);
}
