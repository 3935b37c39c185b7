// Build Image: tag (remembered per Dockerfile), optional build args and target stage, progress with
// Cancel, live coloured output in a terminal, failing step → diagnostic, success → reveal + Run/Push.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runBuild, type BuildSpec } from '../../build/runBuild';
import { OutputTerminal } from '../../terminal/outputTerminal';
import type { ImageRef } from '../../trees/imagesTree';
import type { Command, CommandContext } from '../commandContext';

export interface BuildOptions {
  tag?: string;
  buildArgs?: Record<string, string>;
  target?: string;
}

export const buildImageCommand: Command = {
  id: 'dockwright.images.build',
  async run(ctx, uri?: vscode.Uri, _uris?: vscode.Uri[], options?: BuildOptions) {
    const dockerfile = uri instanceof vscode.Uri ? uri : await pickDockerfile();
    if (!dockerfile) return undefined;
    const spec = await buildSpec(ctx, dockerfile, options);
    if (!spec) return undefined;
    const docker = await ctx.engine.client().catch((e: Error) => { void vscode.window.showErrorMessage(e.message); return undefined; });
    if (!docker) return undefined;
    const term = new OutputTerminal();
    vscode.window.createTerminal({ name: `Build ${spec.tag}`, pty: term, iconPath: new vscode.ThemeIcon('package') }).show(true);
    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Building ${spec.tag}`, cancellable: true }, (_p, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return runBuild(docker, spec, ctx.engine.isBundled, ctx.buildDiagnostics, (t) => term.write(t), abort.signal);
    });
    if (!outcome.ok) {
      void vscode.window.showErrorMessage(`Build of ${spec.tag} failed: ${outcome.error}`);
      return outcome;
    }
    const nodes = await ctx.trees.images.refresh();
    const node = nodes.flatMap((g) => g.children ?? []).find((n) => (n.data as ImageRef).ref === normalizeTag(spec.tag));
    if (node) await ctx.views.images.reveal(node, { select: true, focus: false }).then(undefined, () => undefined);
    void vscode.window.showInformationMessage(`Built ${spec.tag}`, 'Run', 'Push').then((pick) => {
      if (pick === 'Run') void vscode.commands.executeCommand('dockwright.images.run', node);
      if (pick === 'Push') void vscode.commands.executeCommand('dockwright.images.push', node);
    });
    return outcome;
  },
};

/** How the engine lists a tag the user typed (`name` → `name:latest`). */
export function normalizeTag(tag: string): string {
  const lastSlash = tag.lastIndexOf('/');
  return tag.slice(lastSlash + 1).includes(':') ? tag : `${tag}:latest`;
}

async function pickDockerfile(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === 'dockerfile' && active.uri.scheme === 'file') return active.uri;
  const found = await vscode.workspace.findFiles('**/{Dockerfile,Dockerfile.*,*.dockerfile,Containerfile,Containerfile.*}', '**/node_modules/**', 100);
  if (found.length <= 1) return found[0];
  const pick = await vscode.window.showQuickPick(found.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })), { placeHolder: 'Dockerfile to build' });
  return pick?.uri;
}

async function buildSpec(ctx: CommandContext, dockerfile: vscode.Uri, options: BuildOptions | undefined): Promise<BuildSpec | undefined> {
  const config = vscode.workspace.getConfiguration('dockwright.build', dockerfile);
  const folder = vscode.workspace.getWorkspaceFolder(dockerfile);
  const contextSetting = config.get<string>('contextPath', '');
  const contextDir = contextSetting && folder ? path.resolve(folder.uri.fsPath, contextSetting) : path.dirname(dockerfile.fsPath);
  const memoryKey = `dockwright.buildTag:${dockerfile.fsPath}`;
  let tag = options?.tag;
  if (!tag) {
    const folderName = path.basename(contextDir).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'image';
    const initial = ctx.extension.workspaceState.get<string>(memoryKey) ?? config.get<string>('tagTemplate', '${folder}:latest').replace('${folder}', folderName);
    tag = await vscode.window.showInputBox({
      title: 'Build Image', prompt: 'Tag for the image', value: initial,
      validateInput: (v) => (/^[a-z0-9]([a-z0-9._/:-]*[a-z0-9])?$/i.test(v.trim()) ? undefined : 'Not a valid image tag'),
    });
    if (!tag) return undefined;
  }
  tag = tag.trim();
  await ctx.extension.workspaceState.update(memoryKey, tag);
  const text = (await vscode.workspace.openTextDocument(dockerfile)).getText();
  let buildArgs = { ...config.get<Record<string, string>>('args', {}), ...options?.buildArgs };
  if (!options && /^\s*ARG\s/im.test(text)) {
    const raw = await vscode.window.showInputBox({ title: 'Build Image', prompt: 'Build arguments (optional): NAME=value, separated by spaces', value: Object.entries(buildArgs).map(([k, v]) => `${k}=${v}`).join(' ') });
    if (raw === undefined) return undefined;
    buildArgs = parseAssignments(raw);
  }
  let target = options?.target;
  if (!options) {
    const stages = await stageNames(dockerfile);
    if (stages.length > 1) {
      const pick = await vscode.window.showQuickPick([{ label: '$(layers) last stage', stage: undefined as string | undefined }, ...stages.map((s) => ({ label: s, stage: s }))],
        { title: 'Build Image', placeHolder: 'Target stage' });
      if (!pick) return undefined;
      target = pick.stage;
    }
  }
  return { dockerfile, contextDir, tag, buildArgs, target, pull: config.get<boolean>('pull', false) };
}

/** `A=1 B="x y"` → {A: '1', B: 'x y'}. */
export function parseAssignments(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of raw.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|(\S*))/g)) out[m[1]] = m[3] ?? m[4] ?? m[5] ?? '';
  return out;
}

/** Named stages from the language server's document symbols (the one parser decides what a stage is). */
async function stageNames(dockerfile: vscode.Uri): Promise<string[]> {
  const symbols = await vscode.commands.executeCommand<(vscode.DocumentSymbol | vscode.SymbolInformation)[]>('vscode.executeDocumentSymbolProvider', dockerfile).then((s) => s ?? [], () => []);
  const names: string[] = [];
  for (const s of symbols) {
    // Stages are the Module symbols; unnamed ones ("stage 1") cannot be a --target.
    if ('children' in s && s.kind === vscode.SymbolKind.Module && !/\s/.test(s.name) && !names.includes(s.name)) names.push(s.name);
  }
  return names;
}
