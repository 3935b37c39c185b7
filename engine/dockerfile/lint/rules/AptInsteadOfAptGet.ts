import { definePractice, forEachRun, matchesIn } from '../practice';
import { commandsWith } from '../shell';

export default definePractice('DL3027', {
  code: 'AptInsteadOfAptGet',
  description: 'Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead',
  check(ctx) {
    forEachRun(ctx, ['apt'], (run, _stage, commands) => {
      if (commandsWith(commands, ['apt']).length === 0) return;
      const site = matchesIn(ctx, run, /(?<![\w./-])apt(?=\s+(?:-\S+\s+)*(?:install|update|upgrade|remove|purge|autoremove|full-upgrade)\b)/)[0];
      if (!site) return;
      ctx.reportOn(run, site.range, 'apt is meant for interactive use and has no stable CLI: use apt-get', [
        { title: 'Use apt-get', edits: [{ range: site.range, newText: 'apt-get' }], preferred: true },
      ]);
    });
  },
});
