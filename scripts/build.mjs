// Bundles every entry point that exists into dist/ with esbuild.
// The type check runs separately (`tsc --noEmit`, see package.json "build").
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

/** source entry → output file (relative to dist/). Add new processes here. */
const entries = {
  'server/main.ts': 'server.js',
  'engine/main.ts': 'engine.js',
  'engine/runtime/monitor/main.ts': 'monitor.js',
  'engine/runtime/fileHelper/main.ts': 'files.js',
  'engine/build/copyWorker.ts': 'copyWorker.js',
  'client/extension.ts': 'extension.js',
};

const watch = process.argv.includes('--watch');
const builds = Object.entries(entries)
  .filter(([src]) => existsSync(src))
  .map(([src, out]) => ({
    entryPoints: [src],
    outfile: `dist/${out}`,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    minify: !watch,
    keepNames: true,
    external: ['vscode', 'cpu-features', '*.node'],
    banner: out === 'extension.js' ? undefined : { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  }));

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`built ${builds.map((b) => b.outfile).join(', ')}`);
}
