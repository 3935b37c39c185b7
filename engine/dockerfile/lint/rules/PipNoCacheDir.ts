import { definePractice, forEachRun, matchesIn } from '../practice';
import { cacheMountTargets, commandsWith, envNamesBefore, hasFlag } from '../shell';

export default definePractice('DL3042', {
  code: 'PipNoCacheDir',
  description: 'Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`',
  check(ctx) {
    forEachRun(ctx, ['pip'], (run, stage, commands) => {
      const installs = commandsWith(commands, ['pip', 'pip3', 'pip2'], 'install')
        .filter((c) => !hasFlag(c, ['--no-cache-dir']));
      const pythonM = commands.filter((c) => /^python[0-9.]*$/.test(c.words[0]) && c.words[1] === '-m' && c.words[2] === 'pip' && c.words.includes('install') && !hasFlag(c, ['--no-cache-dir']));
      if (installs.length + pythonM.length === 0) return;
      if (cacheMountTargets(run).some((t) => /\/\.cache(\/pip)?$/.test(t))) return;
      if (envNamesBefore(ctx.model.stages, stage, run).has('PIP_NO_CACHE_DIR')) return;
      const site = matchesIn(ctx, run, /\bpip[0-9.]*\s+install\b/)[0];
      ctx.reportOn(run, site?.range ?? run.argsRange ?? run.keywordRange, 'pip keeps its download cache in the image: add --no-cache-dir (or mount a cache on /root/.cache/pip)', site
        ? [{ title: 'Add --no-cache-dir', edits: [{ range: { start: site.range.end, end: site.range.end }, newText: ' --no-cache-dir' }] }]
        : []);
    });
  },
});
