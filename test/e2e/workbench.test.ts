// UI end-to-end: the packaged extension in a real VS Code (code-server) driven by Chromium, on the
// bundled engine (dist/engine.js, the default `dockwright.engine`). The test starts that daemon on a
// temp socket and data root, seeds it with busybox, and points the extension at it through
// DOCKWRIGHT_ENGINE_SOCKET / DOCKWRIGHT_DATA_ROOT: the extension finds its own version answering there
// and uses it (as a second window would). Screenshots of every step go to test-artifacts/e2e/.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startEngine, type TestEngine } from '../harness/engine';
import { busyboxRootfsTar } from '../harness/images';
import { launchBrowser, repoRoot, startCodeServer, type CodeServer } from '../harness/codeserver';
import { removeDir, tempDir, waitFor } from '../harness/services';

const artifacts = path.join(repoRoot, 'test-artifacts', 'e2e');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('e2e: Dockwright in a real VS Code (code-server + Chromium) on the bundled engine', function () {
  this.timeout(600000);
  let engine: TestEngine;
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
  /** Opens the Dockwright sidebar (clicking its icon when it is already open would close it). */
  const showDockwright = async () => {
    if (!await view('Images').isVisible()) await page.locator('.activitybar .action-item a.action-label[aria-label^="Dockwright"]').click();
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
    engine = await startEngine();
    await engine.docker(['import', '--change', 'CMD ["sh"]', '-', 'busybox:latest'], { input: await busyboxRootfsTar() });
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
    fs.mkdirSync(path.join(workspace, 'broken'));
    fs.writeFileSync(path.join(workspace, 'broken', 'Dockerfile'), 'FROM busybox:latest\nRUNN echo hi\n');
    server = await startCodeServer({
      vsix, settings: { 'dockwright.engine': 'bundled' },
      env: { DOCKWRIGHT_ENGINE_SOCKET: engine.socketPath, DOCKWRIGHT_DATA_ROOT: engine.dataRoot },
    });
    browser = await launchBrowser(server.home);
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await engine?.stop();
    if (workspace) removeDir(path.dirname(workspace));
  });

  it('shows the Dockwright sidebar with the engine\'s images', async () => {
    await page.goto(server.workbenchUrl(workspace));
    const icon = page.locator('.activitybar .action-item a.action-label[aria-label^="Dockwright"]');
    await icon.waitFor({ timeout: 60000 });
    await icon.click();
    await row('Images', /^busybox/).waitFor({ timeout: 30000 });
    await row('Images', /latest/).first().waitFor();
    await page.locator('.statusbar-item', { hasText: /bundled/ }).first().waitFor(); // the engine in use
    await screenshot('images-view');
    assert.deepEqual(browser.foreignRequests.filter((u) => !/open-vsx|vsda/.test(u)), []);
  });

  it('language server: diagnostics in the Problems panel, FROM completion with the engine\'s images, hover', async () => {
    await page.keyboard.press('Control+P');
    const quickOpen = page.locator('.quick-input-widget input');
    await quickOpen.waitFor();
    await quickOpen.fill('broken/Dockerfile');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Dockerfile' }).first().waitFor();
    await sleep(300);
    await quickOpen.press('Enter');
    await page.locator('.monaco-editor .view-lines', { hasText: 'RUNN' }).waitFor();
    await page.keyboard.press('Control+Shift+M');
    const marker = page.locator('.markers-panel .monaco-list-row', { hasText: /Unknown instruction: RUNN \(did you mean RUN\?\)/ });
    await marker.waitFor({ timeout: 30000 });
    await screenshot('problems-panel');

    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('FROM ');
    await page.keyboard.press('Control+Space');
    const suggestion = page.locator('.suggest-widget .monaco-list-row', { hasText: 'busybox:latest' });
    await suggestion.waitFor({ timeout: 20000 });
    await screenshot('from-completion');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape'); // the signature help
    await page.keyboard.press('Control+Home');
    await sleep(300);

    await page.locator('.monaco-editor .view-lines .view-line', { hasText: /FROM.busybox:latest/ }).locator('span', { hasText: 'FROM' }).first().hover({ force: true });
    const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content');
    await hover.waitFor({ timeout: 20000 });
    assert.match(await hover.innerText(), /\S/);
    await screenshot('hover');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Z');
    await page.keyboard.press('Control+Z');
  });

  it('right-click Build Image → the image appears → Run → container → View Logs → Stop → Remove', async () => {
    await page.locator('.activitybar .action-item a.action-label[aria-label^="Explorer"]').click();
    const dockerfileRow = page.locator('.explorer-folders-view .monaco-list-row[aria-level="1"]', { hasText: /^Dockerfile$/ });
    await dockerfileRow.waitFor();
    await contextMenu(dockerfileRow, /^Build Image\.\.\.$/);
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    assert.equal(await input.inputValue(), 'sample-app:latest');
    await screenshot('build-tag-prompt');
    await acceptInput();
    await page.locator('.xterm-rows', { hasText: /Built sample-app:latest/ }).waitFor({ timeout: 120000 });
    await screenshot('build-output');

    await showDockwright();
    await row('Images', /^sample-app/).waitFor({ timeout: 30000 });
    const texts = await view('Images').locator('.monaco-list-row').allInnerTexts();
    const imageRow = view('Images').locator('.monaco-list-row').nth(texts.findIndex((t) => /^sample-app/.test(t)) + 1);
    assert.match(await imageRow.innerText(), /^latest/);
    await screenshot('image-built');

    await contextMenu(imageRow, /^Run$/);
    const nameInput = page.locator('.quick-input-widget input');
    await nameInput.waitFor();
    await nameInput.fill('web');
    await nameInput.press('Enter');
    await acceptInput(); // environment
    await acceptInput(); // volume (the bundled engine has no networks to pick from)
    const containerRow = row('Containers', /^web/);
    await containerRow.waitFor({ timeout: 30000 });
    await waitFor('the container to run', async () => /Up /.test(await containerRow.innerText()), 20000, 200);
    await screenshot('container-running');

    await contextMenu(containerRow, /^View Logs$/);
    await page.locator('.xterm-rows', { hasText: /hello from dockwright/ }).waitFor({ timeout: 20000 });
    await screenshot('container-logs');

    await contextMenu(containerRow, /^Stop$/);
    await waitFor('the container to stop', async () => /Exited/.test(await containerRow.innerText()), 30000, 200);
    await screenshot('container-stopped');

    await contextMenu(containerRow, /^Remove Container\.\.\.$/);
    const removeButton = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Remove$/ });
    await removeButton.waitFor();
    await screenshot('remove-confirmation');
    await removeButton.click();
    await containerRow.waitFor({ state: 'detached', timeout: 20000 });
    await screenshot('container-removed');
    const { stdout } = await engine.docker(['ps', '-a', '--format', '{{.Names}}']);
    assert.equal(stdout.trim(), '');
  });
});
