import { PLATFORM_ARGS } from '../../expand';
import { expandedWords } from '../expansions';
import { defineRule } from '../rule';
import { suggest } from '../text';

const EXEMPT = new Set(['BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE']);
const PLATFORM = new Set(PLATFORM_ARGS.map((a) => a.name));
const NAME_START = /^[A-Za-z_]/;

export default defineRule({
  code: 'UndefinedVar',
  ruleClass: 'check',
  description: 'Variables should be defined before their use',
  check(ctx) {
    for (const w of expandedWords(ctx)) {
      if (!w.checkUndefined || w.result.errors.length > 0) continue;
      for (const ref of w.result.references) {
        const name = ref.name;
        if (!w.result.unmatched.includes(name) || w.scope.vars.has(name) || EXEMPT.has(name) || !NAME_START.test(name)) continue;
        const guess = suggest(name, w.scope.vars.keys());
        // A stage rooted at an external image may get any name from the image's Env (PATH, HOME,
        // JAVA_HOME, ...): report only platform ARGs used without `ARG` and near-misses of known names.
        if (w.scope.baseEnvUnknown && !PLATFORM.has(name) && !(guess && name.length >= 4 && guess.length >= 4)) continue;
        const range = w.rangeOf(ref.nameStart, ref.nameEnd);
        const hint = guess ? ` (did you mean $${guess}?)` : PLATFORM.has(name) ? `: declare it in this stage with ARG ${name}` : ': define it with ARG or ENV before this line';
        ctx.reportOn(w.instruction, range, `Usage of undefined variable '$${name}'${hint}`, guess
          ? [{ title: `Change to $${guess}`, edits: [{ range, newText: guess }], preferred: true }]
          : []);
      }
    }
  },
});
