import type { Mount, RunInstruction } from '../../model';
import { mountKeySpec, mountTypeSpec, MOUNT_KEYS, MOUNT_TYPES } from '../../spec';
import type { LintContext } from '../context';
import { defineRule } from '../rule';
import { suggest } from '../text';

const BOOL = ['true', 'false', '1', '0', 't', 'f', 'TRUE', 'FALSE', 'True', 'False'];
const INT = /^\d+$/;
const OCTAL = /^0?[0-7]{1,4}$/;

export default defineRule({
  code: 'InvalidMount',
  ruleClass: 'build',
  description: 'RUN --mount must use a known type and only the keys and values that type accepts',
  check(ctx) {
    for (const i of ctx.ofKind('RUN')) {
      if (i.kind === 'RUN') for (const m of i.mounts) checkMount(ctx, i, m);
    }
  },
});

function checkMount(ctx: LintContext, run: RunInstruction, mount: Mount): void {
  if (mount.flag.value === undefined) return; // InvalidFlagValue reports the missing value
  const typeSpec = mountTypeSpec(mount.type);
  if (!typeSpec) {
    if (mount.type.includes('$')) return;
    const types = MOUNT_TYPES.map((t) => t.type);
    const guess = suggest(mount.type, types, true);
    const range = mount.typeRange ?? mount.flag.range;
    ctx.reportOn(run, range, `unsupported mount type "${mount.type}": use one of ${types.join(', ')}`, guess
      ? [{ title: `Change to ${guess}`, edits: [{ range, newText: guess }], preferred: true }]
      : []);
    return;
  }
  for (const o of mount.options) {
    // BuildKit's --mount parser accepts every known key on every type (keys of another type are ignored).
    const spec = mountKeySpec(typeSpec.type, o.key) ?? MOUNT_TYPES.map((t) => mountKeySpec(t.type, o.key)).find((k) => k !== undefined);
    if (!spec || !MOUNT_KEYS.has(o.key)) {
      const keys = [...MOUNT_KEYS];
      const guess = suggest(o.key, keys, true);
      ctx.reportOn(run, o.keyRange, `unexpected key '${o.key}' in '${ctx.textOf(o.range)}': type=${typeSpec.type} accepts ${typeSpec.keys.map((k) => k.name).join(', ')}`, guess
        ? [{ title: `Change to ${guess}`, edits: [{ range: o.keyRange, newText: guess }], preferred: true }]
        : []);
      continue;
    }
    const value = o.value;
    if (value === undefined) {
      if (spec.type !== 'bool') ctx.reportOn(run, o.range, `invalid field '${ctx.textOf(o.range)}' must be a key=value pair`);
      continue;
    }
    if (value.includes('$')) continue;
    let problem: string | undefined;
    if (spec.type === 'bool' && !BOOL.includes(value)) problem = `invalid value for ${o.key}: ${value}: use true or false`;
    else if (spec.type === 'enum' && spec.name !== 'type' && !spec.values?.includes(value)) problem = `unsupported ${o.key} value "${value}": use one of ${spec.values?.join(', ')}`;
    else if (spec.type === 'int' && !INT.test(value)) problem = `invalid value for ${o.key}: ${value}: use a number`;
    else if (spec.type === 'octal' && !OCTAL.test(value)) problem = `invalid value for ${o.key}: ${value}: use an octal mode such as 0755`;
    if (problem) ctx.reportOn(run, o.valueRange ?? o.range, problem);
  }
}
