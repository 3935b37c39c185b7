// Base of the engine-backed trees: roots are loaded from the engine on demand and cached, children
// hang off their parent node, ids are stable (no changing text in ids), and a failed load shows the
// "engine unreachable" welcome content instead of an error.
import * as vscode from 'vscode';
import type { Docker } from '../../engine/api/client';
import type { EngineManager } from '../engine/engineManager';

export class TreeNode<T = unknown> extends vscode.TreeItem {
  children?: TreeNode[];
  constructor(label: string, readonly data: T, collapsible = vscode.TreeItemCollapsibleState.None) {
    super(label, collapsible);
  }
}

export abstract class EngineTree implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: Promise<TreeNode[]> | undefined;

  constructor(protected readonly engine: EngineManager) {}

  /** Loads the root nodes from the engine. */
  protected abstract load(docker: Docker): Promise<TreeNode[]>;

  getTreeItem(node: TreeNode): TreeNode {
    return node;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return (node as { parent?: TreeNode }).parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node) return node.children ?? [];
    this.roots ??= this.loadRoots();
    return this.roots;
  }

  /** Every node of the tree, depth first (for palette quick picks and tests). */
  async allNodes(): Promise<TreeNode[]> {
    const out: TreeNode[] = [];
    const walk = (nodes: TreeNode[]) => { for (const n of nodes) { out.push(n); walk(n.children ?? []); } };
    walk(await this.getChildren());
    return out;
  }

  /** Drops the cache and tells the view to ask again; resolves once the new roots are loaded. */
  async refresh(): Promise<TreeNode[]> {
    this.roots = this.loadRoots();
    this.changed.fire(undefined);
    return this.roots;
  }

  private async loadRoots(): Promise<TreeNode[]> {
    try {
      const docker = await this.engine.client();
      const nodes = await this.load(docker);
      for (const n of nodes) for (const c of n.children ?? []) (c as { parent?: TreeNode }).parent = n;
      return nodes;
    } catch (e) {
      if (this.engine.state === 'connected') this.engine.markUnreachable(e);
      return [];
    }
  }
}
