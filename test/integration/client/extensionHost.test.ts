// Runs the extension-host specs (test/integration/client/host/*.spec.ts) inside a real VS Code
// extension host (code-server, workbench extension-tests payload) against the bundled engine (the
// default `dockwright.engine`, started on demand by the extension on a private socket and data root),
// real Docker Engines (engine switching) and a real registry. The specs get the services through
// DW_IT_* / DOCKWRIGHT_* environment variables.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startDockerd, type TestDockerd } from '../../harness/dockerd';
import { busyboxRootfsTar } from '../../harness/images';
import { startRegistry, type TestRegistry } from '../../harness/registry';
import { bundleHostTests, repoRoot, runExtensionTests, startCodeServer, type CodeServer } from '../../harness/codeserver';
import { removeDir, tail, tempDir } from '../../harness/services';
import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';

describe('extension host: commands and trees on the bundled engine and real dockerds (code-server)', function () {
  this.timeout(600000);
  let dockerd: TestDockerd;
  let other: TestDockerd;
  let registry: TestRegistry;
  let authRegistry: TestRegistry;
  let server: CodeServer;
  let workspace: string;
  let engineDir: string;

  before(async () => {
    [dockerd, other, registry, authRegistry] = await Promise.all([startDockerd(), startDockerd(), startRegistry(),
      startRegistry({ auth: { username: 'dw-user', password: 'dw-secret' } })]);
    const busybox = await busyboxRootfsTar();
    engineDir = tempDir('it-engine');
    fs.writeFileSync(path.join(engineDir, 'busybox.tar'), busybox);
    await dockerd.docker(['import', '--change', 'CMD ["sh"]', '-', 'busybox:latest'], { input: busybox });
    await other.docker(['import', '-', 'other-only:1'], { input: busybox });
    execFileSync('node', ['scripts/build.mjs'], { cwd: repoRoot, stdio: 'pipe' });
    workspace = tempDir('it-ws');
    fs.writeFileSync(path.join(workspace, 'Dockerfile'), [
      'FROM busybox:latest AS base',
      'ARG GREETING=hello',
      'ENV GREETING=$GREETING',
      'FROM base AS final',
      'LABEL stage=final',
      'CMD ["sh", "-c", "echo $GREETING $EXTRA; trap \'exit 0\' TERM; while true; do sleep 1; done"]',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(workspace, 'Dockerfile.fail'), 'FROM busybox:latest\nRUN echo ok\nRUN false\n');
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(path.join(workspace, '.vscode', 'tasks.json'), JSON.stringify({ version: '2.0.0', tasks: [
      { label: 'it-build', type: 'dockwright', action: 'build', dockerfile: 'Dockerfile', tag: 'it-task:1', target: 'final' },
      { label: 'it-build-fail', type: 'dockwright', action: 'build', dockerfile: 'Dockerfile.fail', tag: 'it-task-fail:1' },
    ] }));
    server = await startCodeServer({
      settings: { 'dockwright.engine': 'bundled' },
      // The bundled engine gets a private socket and data root (never the system defaults).
      env: { DOCKWRIGHT_ENGINE_SOCKET: path.join(engineDir, 'engine.sock'), DOCKWRIGHT_DATA_ROOT: path.join(engineDir, 'data'),
        DW_IT_WORKSPACE: workspace, DW_IT_BUSYBOX_TAR: path.join(engineDir, 'busybox.tar'), DW_IT_DOCKERD_HOST: dockerd.host, DW_IT_OTHER_HOST: other.host, DW_IT_REGISTRY: registry.host,
        DW_IT_AUTH_REGISTRY: authRegistry.host, DW_IT_AUTH_USER: 'dw-user', DW_IT_AUTH_PASSWORD: 'dw-secret' },
    });
  });

  after(async () => {
    await server?.stop();
    if (engineDir) {
      await removeContainers(path.join(engineDir, 'engine.sock'));
      await stopBundledEngine(path.join(engineDir, 'data'));
      unmountUnder(engineDir);
    }
    await Promise.all([dockerd?.stop(), other?.stop(), registry?.stop(), authRegistry?.stop()]);
    if (workspace) removeDir(workspace);
    if (engineDir) removeDir(engineDir);
  });

  it('every extension-host spec passes', async () => {
    const testsPath = await bundleHostTests(path.join(__dirname, 'host'), 'client-host');
    const { code, log } = await runExtensionTests(server, { folder: workspace, extensionDevelopmentPath: repoRoot, extensionTestsPath: testsPath });
    const report = log.join('\n');
    if (code !== 0 || process.env.DW_VERBOSE) console.log(report, '\n--- extension host log ---\n', extensionHostLog(server));
    assert.equal(code, 0, `extension-host tests failed (exit ${code})`);
    assert.match(report, /passing/);
    assert.doesNotMatch(report, /%d failing/);
  });
});

/** The tail of the remote extension host's log (errors thrown by the extension end up there). */
function extensionHostLog(server: CodeServer): string {
  const logs = path.join(server.userDataDir, 'logs');
  const files = fs.existsSync(logs) ? fs.readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((f) => /exthost\.log$/.test(f)) : [];
  return files.map((f) => `${f}:\n${tail(path.join(logs, f), 60)}`).join('\n') || '(no extension host log)';
}

/** Force-removes every container of the bundled engine (containers outlive their daemon; a failed spec may leave some running). */
async function removeContainers(socketPath: string): Promise<void> {
  if (!fs.existsSync(socketPath)) return;
  const docker = new Docker({ socketPath });
  const containers = await docker.listContainers({ all: true }).catch(() => []);
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
}

/** Stops the bundled engine the extension started (detached, so it outlives code-server) by its pid file. */
async function stopBundledEngine(dataRoot: string): Promise<void> {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(path.join(dataRoot, 'engine.pid'), 'utf8'), 10);
  } catch {
    return; // never started
  }
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  for (let i = 0; i < 100; i++) {
    try { process.kill(pid, 0); } catch { return; }
    await new Promise((r) => setTimeout(r, 100));
  }
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
}

/** Lazily unmounts whatever the engine left mounted under `dir` (deepest first), so the dir can be removed. */
function unmountUnder(dir: string): void {
  const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((m) => m && (m === dir || m.startsWith(`${dir}/`)));
  for (const m of mounts.sort((a, b) => b.length - a.length)) {
    try { execFileSync('umount', ['-l', m], { stdio: 'pipe' }); } catch { /* already gone */ }
  }
}
