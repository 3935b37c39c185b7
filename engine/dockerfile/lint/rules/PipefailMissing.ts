import type { Stage } from '../../model';
import { definePractice, forEachRun, rangeIn } from '../practice';

export default definePractice('DL4006', {
  code: 'PipefailMissing',
  description: 'Set the SHELL option -o pipefail before RUN with a pipe in it',
  check(ctx) {
    forEachRun(ctx, ['|'], (run, stage) => {
      if (run.json || run.heredocs.length > 0) return;
      if (!/(^|[^|])\|(?!\|)/.test(stripQuoted(run.argsText))) return;
      if (/\bset\s+(-[a-zA-Z]*o\s+pipefail|-o\s+pipefail|.*pipefail)/.test(run.argsText)) return;
      const shell = shellBefore(ctx.model.stages, stage, run);
      if (shell && (/pipefail/.test(shell) || !/(^|\/)(ba|z|k|a)?sh"/.test(shell))) return;
      ctx.reportOn(run, rangeIn(ctx, run, /(?<!\|)\|(?!\|)/),
        'A failing command before a pipe does not fail the build: add SHELL ["/bin/bash", "-o", "pipefail", "-c"] before this RUN (or start it with set -o pipefail &&)');
    });
  },
});

function stripQuoted(text: string): string {
  return text.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, '');
}

/** The SHELL in effect (its JSON text) in this stage or its local parents, if any. */
function shellBefore(stages: Stage[], stage: Stage, run: object): string | undefined {
  const seen = new Set<number>();
  let current: Stage | undefined = stage;
  let limit: object | undefined = run;
  while (current && !seen.has(current.index)) {
    seen.add(current.index);
    let found: string | undefined;
    for (const i of current.instructions) {
      if (i === limit) break;
      if (i.kind === 'SHELL') found = i.argsText;
    }
    if (found) return found;
    limit = undefined;
    current = current.base.kind === 'stage' ? stages[current.base.stageIndex] : undefined;
  }
  return undefined;
}
