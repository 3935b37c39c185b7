// Dockwright's VS Code extension: wires the engine connection, the trees, the commands, the task type
// and the language client. Returns an API object (used by the extension-host integration tests).
import * as vscode from 'vscode';
import { BundledEngine } from './engine/bundledEngine';
import { EngineManager } from './engine/engineManager';
import { RefreshManager } from './engine/refreshManager';
import { createEngineStatusBar } from './engine/statusBar';
import { BuildDiagnostics } from './build/buildDiagnostics';
import { ReadOnlyDocuments } from './readOnlyDocuments';
import { RegistryStore } from './registries/registryStore';
import { ImagesTree, type ImageRef } from './trees/imagesTree';
import { ContainersTree } from './trees/containersTree';
import { VolumesTree } from './trees/volumesTree';
import { RegistriesTree } from './trees/registriesTree';
import { registerCommands } from './commands/registerCommands';
import type { CommandContext } from './commands/commandContext';
import { registerTaskProvider } from './tasks/taskProvider';
import { sendImages, startLanguageClient } from './languageClient';
import type { LanguageClient } from 'vscode-languageclient/node';

let languageClient: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext) {
  const engineOutput = vscode.window.createOutputChannel('Dockwright Engine');
  const serverOutput = vscode.window.createOutputChannel('Dockwright Language Server', { log: true });
  const bundled = new BundledEngine(context.extensionPath, context.extension.packageJSON.version as string, engineOutput);
  const engine = new EngineManager(bundled, engineOutput);
  const showDangling = () => vscode.workspace.getConfiguration('dockwright').get<boolean>('images.showDangling', false);
  const registries = new RegistryStore(context.globalState, context.secrets);
  const trees = {
    images: new ImagesTree(engine, showDangling),
    containers: new ContainersTree(engine),
    volumes: new VolumesTree(engine),
    registries: new RegistriesTree(registries),
  };
  const refresh = new RefreshManager(engine, (target) => trees[target].refresh());
  const views = {
    images: vscode.window.createTreeView('dockwright.images', { treeDataProvider: trees.images, canSelectMany: true, showCollapseAll: true }),
    containers: vscode.window.createTreeView('dockwright.containers', { treeDataProvider: trees.containers, canSelectMany: true }),
  };
  const ctx: CommandContext = {
    extension: context, engine, refresh, trees, views, registries,
    buildDiagnostics: new BuildDiagnostics(), documents: new ReadOnlyDocuments(), output: engineOutput,
  };
  const syncDangling = () => vscode.commands.executeCommand('setContext', 'dockwright.showDangling', showDangling());
  void syncDangling();
  context.subscriptions.push(
    engineOutput, serverOutput, bundled, engine, refresh, ...Object.values(views), ctx.buildDiagnostics, ctx.documents,
    vscode.window.createTreeView('dockwright.volumes', { treeDataProvider: trees.volumes, canSelectMany: true }),
    vscode.window.createTreeView('dockwright.registries', { treeDataProvider: trees.registries }),
    createEngineStatusBar(engine),
    ...registerCommands(ctx),
    registerTaskProvider(engine, ctx.buildDiagnostics, refresh),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('dockwright.images.showDangling')) { void syncDangling(); void trees.images.refresh(); }
    }),
    trees.images.onDidChangeTreeData(() => void trees.images.getChildren().then((groups) =>
      sendImages(languageClient, groups.flatMap((g) => (g.children ?? []).map((n) => (n.data as ImageRef).ref).filter((r): r is string => !!r))))),
  );
  languageClient = await startLanguageClient(context.extensionPath, serverOutput).catch((e: Error) => {
    serverOutput.appendLine(`the language server did not start: ${e.message}`);
    return undefined;
  });
  if (languageClient) void trees.images.refresh();
  return { engine, trees, refresh, registries, commandContext: ctx };
}

export async function deactivate(): Promise<void> {
  await languageClient?.stop();
}
