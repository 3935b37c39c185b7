import { definePractice, forEachRun, rangeIn } from '../practice';
import { runScript } from '../shell';

export default definePractice('DL3004', {
  code: 'SudoInRun',
  description: 'Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root',
  check(ctx) {
    forEachRun(ctx, ['sudo'], (run) => {
      if (!/(^|[\s;&|(])sudo\s/.test(runScript(run))) return;
      ctx.reportOn(run, rangeIn(ctx, run, /(?<![\w./-])sudo(?=\s)/), 'Do not use sudo in RUN (it behaves unpredictably without a TTY): RUN already runs as the current USER; switch with USER or use gosu');
    });
  },
});
