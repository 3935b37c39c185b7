// The `dockwright` task type: `action: build` (with the `$dockwright-build` problem matcher: a failing step is
// printed as `file:line: error: message`) and `run` (starts a container detached). (Not `command`: tasks.json reserves it.)
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runBuild } from '../build/runBuild';
import type { BuildDiagnostics } from '../build/buildDiagnostics';
import type { EngineManager } from '../engine/engineManager';
import type { RefreshManager } from '../engine/refreshManager';
import { OutputTerminal, ansi } from '../terminal/outputTerminal';

export interface DockwrightTaskDefinition extends vscode.TaskDefinition {
  action: 'build' | 'run';
  dockerfile?: string;
  context?: string;
  tag?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  name?: string;
  env?: Record<string, string>;
  ports?: string[];
  cmd?: string[];
}

export function registerTaskProvider(engine: EngineManager, diagnostics: BuildDiagnostics, refresh: RefreshManager): vscode.Disposable {
  return vscode.tasks.registerTaskProvider('dockwright', {
    provideTasks: () => [],
    resolveTask(task) {
      const def = task.definition as DockwrightTaskDefinition;
      const folder = typeof task.scope === 'object' ? task.scope.uri.fsPath : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
      const execution = new vscode.CustomExecution(async () => {
        const term = new OutputTerminal();
        void execute(def, folder, engine, diagnostics, refresh, term).then((code) => term.exit(code));
        return term;
      });
      return new vscode.Task(def, task.scope ?? vscode.TaskScope.Workspace, task.name, 'dockwright', execution,
        def.action === 'build' ? ['$dockwright-build'] : []);
    },
  });
}

async function execute(def: DockwrightTaskDefinition, folder: string, engine: EngineManager, diagnostics: BuildDiagnostics,
  refresh: RefreshManager, term: OutputTerminal): Promise<number> {
  try {
    const docker = await engine.client();
    if (def.action === 'build') {
      const dockerfile = path.resolve(folder, def.dockerfile ?? 'Dockerfile');
      const tag = def.tag ?? `${path.basename(folder).toLowerCase()}:latest`;
      const outcome = await runBuild(docker, {
        dockerfile: vscode.Uri.file(dockerfile), contextDir: path.resolve(folder, def.context ?? path.dirname(dockerfile)), tag,
        buildArgs: def.buildArgs, target: def.target,
      }, engine.isBundled, diagnostics, (t) => term.write(t));
      refresh.schedule('images');
      if (!outcome.ok) term.write(`${dockerfile}:${(outcome.errorLine ?? 0) + 1}: error: ${(outcome.error ?? '').replace(/\s+/g, ' ')}\n`);
      return outcome.ok ? 0 : 1;
    }
    const ports = def.ports ?? [];
    const container = await docker.createContainer({
      Image: def.tag, name: def.name, Cmd: def.cmd, Env: Object.entries(def.env ?? {}).map(([k, v]) => `${k}=${v}`),
      ExposedPorts: Object.fromEntries(ports.map((p) => [`${p.split(':').pop()}/tcp`, {}])),
      HostConfig: { PortBindings: Object.fromEntries(ports.map((p) => { const [host, ctr] = p.includes(':') ? p.split(':') : ['', p]; return [`${ctr}/tcp`, [{ HostPort: host }]]; })) },
    });
    await container.start();
    refresh.schedule('containers');
    term.write(`Started ${def.name ?? container.id.slice(0, 12)} from ${def.tag}\n`);
    return 0;
  } catch (e) {
    term.write(ansi.red(`${(e as Error).message}\n`));
    return 1;
  }
}
