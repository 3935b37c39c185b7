import { defineRule } from '../rule';
import { ancestorHasInstruction } from '../stageChain';

const isAbsolute = (p: string) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\');

export default defineRule({
  code: 'WorkdirRelativePath',
  ruleClass: 'check',
  description: 'Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes',
  check(ctx) {
    const stages = ctx.model.stages;
    for (const stage of stages) {
      let absoluteSet = ancestorHasInstruction(stages, stage, 'WORKDIR');
      for (const i of stage.instructions) {
        if (i.kind !== 'WORKDIR' || i.args.length === 0) continue;
        const path = i.args[0].text;
        if (path.includes('$') || isAbsolute(path.replace(/^["']|["']$/g, ''))) {
          absoluteSet = true;
          continue;
        }
        if (!absoluteSet) {
          ctx.reportOn(i, i.args[0].range, `Relative workdir "${path}" can have unexpected results if the base image changes: use an absolute path, e.g. "/${path.replace(/^\.\/?/, '')}"`, [
            { title: `Use "/${path.replace(/^\.\/?/, '')}"`, edits: [{ range: i.args[0].range, newText: `/${path.replace(/^\.\/?/, '')}` }] },
          ]);
        }
      }
    }
  },
});

