import type { Instruction, Stage } from '../../model';
import { defineRule } from '../rule';

const SHELL_SYNTAX = /[$'"\\&|;<>()*?[\]#~`\n{}]/;

export default defineRule({
  code: 'JSONArgsRecommended',
  ruleClass: 'check',
  description: 'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals',
  check(ctx) {
    const stages = ctx.model.stages;
    for (const stage of stages) {
      let shellSet = inheritsShell(stages, stage);
      for (const i of stage.instructions) {
        if (i.kind === 'SHELL') shellSet = true;
        if ((i.kind !== 'CMD' && i.kind !== 'ENTRYPOINT') || i.json || shellSet || i.argsText === '' || !i.argsRange || looksLikeArray(i.argsText)) continue;
        ctx.reportOn(i, i.argsRange, `JSON arguments recommended for ${i.kind} to prevent unintended behavior related to OS signals: write ${i.kind} ["executable", "arg", ...]`, jsonFix(i));
      }
    }
  },
});

/** An array that is not valid JSON: JSONArgsSingleQuotes or the parser's JSON error reports it. */
const looksLikeArray = (text: string) => text.startsWith('[') && text.endsWith(']');

function inheritsShell(stages: Stage[], stage: Stage): boolean {
  const seen = new Set<number>();
  let base = stage.base;
  while (base.kind === 'stage' && !seen.has(base.stageIndex)) {
    seen.add(base.stageIndex);
    const parent = stages[base.stageIndex];
    if (!parent) return false;
    if (parent.instructions.some((i) => i.kind === 'SHELL')) return true;
    base = parent.base;
  }
  return false;
}

function jsonFix(i: Instruction) {
  if (SHELL_SYNTAX.test(i.argsText) || i.heredocs.length > 0) return [];
  const words = i.argsText.split(/\s+/).filter((w) => w !== '');
  return [{ title: `Convert ${i.kind} to JSON (exec) form`, preferred: true, edits: [{ range: i.argsRange!, newText: JSON.stringify(words).replace(/","/g, '", "') }] }];
}
