import type { Instruction } from '../../model';
import { defineRule } from '../rule';
import { ancestorHasInstruction } from '../stageChain';

const SHELL_SYNTAX = /[$'"\\&|;<>()*?[\]#~`\n{}]/;

export default defineRule({
  code: 'JSONArgsRecommended',
  ruleClass: 'check',
  description: 'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals',
  check(ctx) {
    const stages = ctx.model.stages;
    for (const stage of stages) {
      let shellSet = ancestorHasInstruction(stages, stage, 'SHELL');
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

function jsonFix(i: Instruction) {
  if (SHELL_SYNTAX.test(i.argsText) || i.heredocs.length > 0) return [];
  const words = i.argsText.split(/\s+/).filter((w) => w !== '');
  return [{ title: `Convert ${i.kind} to JSON (exec) form`, preferred: true, edits: [{ range: i.argsRange!, newText: JSON.stringify(words).replace(/","/g, '", "') }] }];
}
