// The command that runs one of the engine's own Node processes (the monitor, the file helper, the
// copy worker as a process): `node dist/<bundle>` next to the bundled engine; when the engine runs
// from source (tests under tsx), the TypeScript entry through the repository's tsx.
import * as path from 'node:path';

export function nodeEntryCommand(bundle: string, source: string): string[] {
  if (!__filename.endsWith('.ts')) return [process.execPath, path.join(__dirname, bundle)];
  const repo = path.resolve(__dirname, '../..');
  return [process.execPath, '--require', path.join(repo, 'node_modules/tsx/dist/cjs/index.cjs'), path.join(repo, source)];
}
