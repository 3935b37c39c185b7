// A real VS Code for tests: code-server 4.100.3 (VS Code 1.100.3) from npm, installed once into
// .cache/code-server by scripts/install-code-server.sh, started on a free loopback port in its own
// process group with an isolated HOME, driven by Debian's Chromium through playwright-core.
// Extension-host tests run through the workbench URL payload (extensionDevelopmentPath +
// extensionTestsPath); see the shared notes "vscode-in-ci.md".
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { freePort, removeDir, requireBinary, spawnService, stopService, tail, tempDir, waitFor } from './services';

export const repoRoot = path.resolve(__dirname, '../..');
const csDir = path.join(repoRoot, '.cache', 'code-server');

/** Installs code-server into .cache/code-server if missing (≈1 min once); returns its launcher. */
export function ensureCodeServer(): string {
  const bin = path.join(csDir, 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(bin) || fs.readFileSync(path.join(csDir, '.version'), 'utf8').trim() !== '4.100.3') {
    execFileSync('bash', [path.join(repoRoot, 'scripts', 'install-code-server.sh'), csDir], { stdio: 'inherit' });
  }
  return bin;
}

export interface CodeServer {
  port: number;
  url: string;
  /** Isolated HOME for code-server and Chromium. */
  home: string;
  userDataDir: string;
  extensionsDir: string;
  log: string;
  /** The workbench URL for a folder, optionally with the extension-tests payload. */
  workbenchUrl(folder: string, tests?: { extensionDevelopmentPath: string; extensionTestsPath: string }): string;
  stop(): Promise<void>;
}

export const baseSettings = {
  'telemetry.telemetryLevel': 'off', 'workbench.startupEditor': 'none', 'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false, 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false,
  'update.mode': 'none', 'workbench.enableExperiments': false, 'chat.disableAIFeatures': true,
  'terminal.integrated.gpuAcceleration': 'off', 'workbench.colorTheme': 'Default Dark Modern',
};

export function isolatedEnv(home: string): NodeJS.ProcessEnv {
  return { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local/share'), XDG_CACHE_HOME: path.join(home, '.cache') };
}

export async function startCodeServer(opts: { settings?: Record<string, unknown>; env?: NodeJS.ProcessEnv; vsix?: string } = {}): Promise<CodeServer> {
  const bin = ensureCodeServer();
  const dir = tempDir('codeserver');
  const home = path.join(dir, 'home');
  const userDataDir = path.join(dir, 'udd');
  const extensionsDir = path.join(dir, 'ext');
  for (const d of [home, path.join(userDataDir, 'User'), extensionsDir]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...baseSettings, ...opts.settings }, null, 2));
  const env = { ...process.env, ...isolatedEnv(home), ...opts.env };
  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  if (opts.vsix) execFileSync(bin, [...common, '--install-extension', opts.vsix], { env, stdio: 'pipe' });
  const port = await freePort();
  const log = path.join(dir, 'code-server.log');
  const child = spawnService(bin, ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, ...common,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened'], log, { env });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor('code-server /healthz', async () => {
      if (child.exitCode !== null) throw new Error(`code-server exited: ${tail(log)}`);
      return (await fetch(`${url}/healthz`)).ok;
    }, 60000, 100);
  } catch (e) {
    await stopService(child);
    throw e;
  }
  return {
    port, url, home, userDataDir, extensionsDir, log,
    workbenchUrl(folder, tests) {
      const params = new URLSearchParams({ folder });
      if (tests) {
        const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
        params.set('payload', JSON.stringify([
          ['extensionDevelopmentPath', remote(tests.extensionDevelopmentPath)],
          ['extensionTestsPath', remote(tests.extensionTestsPath)],
          ['skipWelcome', 'true'],
        ]));
      }
      return `${url}/?${params}`;
    },
    async stop() {
      // The group takes the extension hosts, ptyHost, shells and language servers with it.
      await stopService(child, 3000);
      removeDir(dir);
    },
  };
}

/** Headless Debian Chromium with a fresh profile; every request to a non-loopback origin is recorded. */
export async function launchBrowser(home: string): Promise<{ context: BrowserContext; page: Page; foreignRequests: string[]; close(): Promise<void> }> {
  const executablePath = requireBinary('chromium');
  const profile = tempDir('chromium');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath, headless: true, viewport: { width: 1400, height: 900 },
    env: { ...process.env, ...isolatedEnv(home) } as Record<string, string>,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? await context.newPage();
  const foreignRequests: string[] = [];
  page.on('request', (r) => { if (!/^(https?|wss?):\/\/127\.0\.0\.1[:/]/.test(r.url()) && !/^(data|blob):/.test(r.url())) foreignRequests.push(r.url()); });
  return {
    context, page, foreignRequests,
    async close() {
      await context.close();
      removeDir(profile);
    },
  };
}

/**
 * Runs an extension-tests module inside the extension host of `server` (workbench payload) and
 * resolves with its exit code (0 = the module's run() resolved) and the host's console output.
 */
export async function runExtensionTests(server: CodeServer, opts: { folder: string; extensionDevelopmentPath: string; extensionTestsPath: string; timeoutMs?: number }): Promise<{ code: number; log: string[] }> {
  const browser = await launchBrowser(server.home);
  const log: string[] = [];
  try {
    let exit!: (code: number) => void;
    const exited = new Promise<number>((r) => { exit = r; });
    await browser.page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      log.push(`${type}: ${(args ?? []).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
    });
    await browser.page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
    await browser.page.goto(server.workbenchUrl(opts.folder, opts));
    const timeout = opts.timeoutMs ?? 300000;
    const code = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => { log.push(`timed out after ${timeout} ms`); r(124); }, timeout))]);
    return { code, log };
  } finally {
    await browser.close();
  }
}

/**
 * Bundles extension-host test modules (`index.ts` + `*.spec.ts` in `srcDir`) into `<repo>/dist/test/<name>/`
 * — inside the extension folder, so that `require('vscode')` gets the extension's API — and returns
 * the index module's path for `extensionTestsPath`.
 */
export async function bundleHostTests(srcDir: string, name: string): Promise<string> {
  const esbuild = await import('esbuild');
  const outdir = path.join(repoRoot, 'dist', 'test', name);
  fs.rmSync(outdir, { recursive: true, force: true });
  const entryPoints = fs.readdirSync(srcDir).filter((f) => f === 'index.ts' || f.endsWith('.spec.ts')).map((f) => path.join(srcDir, f));
  await esbuild.build({
    entryPoints, outdir, bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'inline',
    external: ['vscode', 'mocha', '*.node', 'cpu-features'], logLevel: 'warning',
  });
  return path.join(outdir, 'index.js');
}
