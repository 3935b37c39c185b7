// What every command gets (constructor-style injection instead of a global service locator), and the
// helpers commands share: palette fallback quick pick over tree nodes, engine access with errors shown.
import * as vscode from 'vscode';
import type { Docker } from '../../engine/api/client';
import type { EngineManager } from '../engine/engineManager';
import type { RefreshManager } from '../engine/refreshManager';
import type { RegistryStore } from '../registries/registryStore';
import type { BuildDiagnostics } from '../build/buildDiagnostics';
import type { ReadOnlyDocuments } from '../readOnlyDocuments';
import type { TreeNode } from '../trees/engineTree';
import type { ImagesTree } from '../trees/imagesTree';
import type { ContainersTree } from '../trees/containersTree';
import type { VolumesTree } from '../trees/volumesTree';
import type { RegistriesTree } from '../trees/registriesTree';

export interface CommandContext {
  extension: vscode.ExtensionContext;
  engine: EngineManager;
  refresh: RefreshManager;
  trees: { images: ImagesTree; containers: ContainersTree; volumes: VolumesTree; registries: RegistriesTree };
  views: { images: vscode.TreeView<TreeNode>; containers: vscode.TreeView<TreeNode> };
  registries: RegistryStore;
  buildDiagnostics: BuildDiagnostics;
  documents: ReadOnlyDocuments;
  output: vscode.OutputChannel;
}

/** A command: menus call it with (node, selectedNodes); the palette with no node; tests may add options. */
export interface Command {
  id: string;
  run(ctx: CommandContext, node?: any, nodes?: any[], options?: any): Promise<unknown>;
}

/** The nodes a command acts on: the multi-selection, the clicked node, or (from the palette) a quick pick. */
export async function targetNodes<T>(tree: { allNodes(): Promise<TreeNode[]> }, node: TreeNode<T> | undefined, nodes: TreeNode<T>[] | undefined,
  contextValue: RegExp, placeHolder: string, canPickMany = false): Promise<TreeNode<T>[]> {
  if (nodes?.length) return nodes.filter((n) => contextValue.test(n.contextValue ?? ''));
  if (node) return [node];
  const candidates = (await tree.allNodes()).filter((n) => contextValue.test(n.contextValue ?? '')) as TreeNode<T>[];
  if (!candidates.length) {
    void vscode.window.showInformationMessage(`Dockwright: nothing to choose from (${placeHolder.toLowerCase()}).`);
    return [];
  }
  const items = candidates.map((n) => ({ label: labelOf(n), description: typeof n.description === 'string' ? n.description : undefined, node: n }));
  const picked = canPickMany
    ? await vscode.window.showQuickPick(items, { placeHolder, canPickMany: true })
    : await vscode.window.showQuickPick(items, { placeHolder }).then((p) => (p ? [p] : undefined));
  return (picked ?? []).map((p) => p.node);
}

function labelOf(n: TreeNode): string {
  const data = n.data as { ref?: string; name?: string } | undefined;
  return data?.ref ?? data?.name ?? String(typeof n.label === 'string' ? n.label : n.label?.label ?? '');
}

/** Runs `fn` with the engine client, showing failures as error messages (and returning undefined). */
export async function withEngine<R>(ctx: CommandContext, fn: (docker: Docker) => Promise<R>): Promise<R | undefined> {
  try {
    return await fn(await ctx.engine.client());
  } catch (e) {
    void vscode.window.showErrorMessage(`Dockwright: ${(e as Error).message.replace(/^Dockwright: /, '')}`);
    return undefined;
  }
}

/** A modal confirmation for destructive actions. */
export async function confirm(message: string, action: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true }, action)) === action;
}
