// extensionTestsPath module: runs the bundled *.spec.js files with mocha inside the extension host and
// rejects when any test failed (the workbench then reports exit code 1).
import * as fs from 'node:fs';
import * as path from 'node:path';

export async function run(): Promise<void> {
  const { Mocha } = require('mocha');
  const mocha = new Mocha({ ui: 'bdd', timeout: 60000, color: false, reporter: 'spec' });
  for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith('.spec.js')).sort()) mocha.addFile(path.join(__dirname, f));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
