import { definePractice, forEachRun, rangeIn } from '../practice';

export default definePractice('DL3003', {
  code: 'UseWorkdirNotCd',
  description: 'Use WORKDIR to switch to a directory',
  check(ctx) {
    forEachRun(ctx, ['cd'], (run, _stage, commands) => {
      const cd = commands.find((c) => c.words[0] === 'cd');
      if (!cd) return;
      ctx.reportOn(run, rangeIn(ctx, run, /(?<![\w./-])cd(?=\s)/), `Use WORKDIR${cd.words[1] ? ` ${cd.words[1]}` : ''} instead of cd to switch to a directory for later instructions`);
    });
  },
});
