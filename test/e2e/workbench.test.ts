// UI end-to-end: the packaged extension in a real VS Code (code-server) driven by Chromium, against a
// real Docker Engine. Screenshots of every step go to test-artifacts/e2e/.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startDockerd, type TestDockerd } from '../harness/dockerd';
import { busyboxRootfsTar } from '../harness/images';
import { launchBrowser, repoRoot, startCodeServer, type CodeServer } from '../harness/codeserver';
import { removeDir, tempDir, waitFor } from '../harness/services';

const artifacts = path.join(repoRoot, 'test-artifacts', 'e2e');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('e2e: Dockwright in a real VS Code (code-server + Chromium) on a real Docker Engine', function () {
  this.timeout(600000);
  let dockerd: TestDockerd;
  let server: CodeServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let workspace: string;
  let shot = 0;
  const screenshot = async (name: string) => {
    await sleep(500);
    await page.screenshot({ path: path.join(artifacts, `${String(++shot).padStart(2, '0')}-${name}.png`) });
  };
  const view = (name: string) => page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: new RegExp(`^${name}`, 'i') }) });
  const row = (viewName: string, text: RegExp) => view(viewName).locator('.monaco-list-row', { hasText: text });
  const contextMenu = async (target: ReturnType<Page['locator']>, entry: RegExp) => {
    await target.click({ button: 'right' });
    const item = page.locator('.context-view .monaco-menu .action-label', { hasText: entry });
    await item.waitFor();
    await item.hover();
    await sleep(500); // a click right after the menu opens is swallowed
    await item.click();
  };
  const acceptInput = async () => {
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await sleep(300);
    await input.press('Enter');
  };

  before(async () => {
    fs.rmSync(artifacts, { recursive: true, force: true });
    fs.mkdirSync(artifacts, { recursive: true });
    dockerd = await startDockerd();
    await dockerd.docker(['import', '--change', 'CMD ["sh"]', '-', 'busybox:latest'], { input: await busyboxRootfsTar() });
    const vsix = execFileSync('bash', [path.join(repoRoot, 'scripts/package.sh')], { cwd: repoRoot, encoding: 'utf8' }).trim().split('\n').pop()!;
    workspace = path.join(tempDir('e2e-ws'), 'sample-app');
    fs.mkdirSync(workspace);
    fs.writeFileSync(path.join(workspace, 'Dockerfile'), [
      'FROM busybox:latest',
      'COPY message.txt /message.txt',
      'CMD ["sh", "-c", "cat /message.txt; trap \'exit 0\' TERM; while true; do sleep 1; done"]',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(workspace, 'message.txt'), 'hello from dockwright\n');
    server = await startCodeServer({ vsix, settings: { 'dockwright.engine': dockerd.host, 'workbench.panel.defaultLocation': 'bottom' } });
    browser = await launchBrowser(server.home);
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await dockerd?.stop();
    if (workspace) removeDir(path.dirname(workspace));
  });

  it('shows the Dockwright sidebar with the engine\'s images', async () => {
    await page.goto(server.workbenchUrl(workspace));
    const icon = page.locator('.activitybar .action-item a.action-label[aria-label^="Dockwright"]');
    await icon.waitFor({ timeout: 60000 });
    await icon.click();
    await row('Images', /^busybox/).waitFor({ timeout: 30000 });
    await row('Images', /latest/).first().waitFor();
    await screenshot('images-view');
    assert.deepEqual(browser.foreignRequests.filter((u) => !/open-vsx|vsda/.test(u)), []);
  });
});
