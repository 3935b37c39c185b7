// Registries → repositories (catalog where allowed) → tags.
import * as vscode from 'vscode';
import { RegistryApi } from '../registries/registryApi';
import type { ConnectedRegistry, RegistryStore } from '../registries/registryStore';
import { TreeNode } from './engineTree';

export interface RegistryTagRef {
  registry: string;
  repository: string;
  tag: string;
  /** The full reference to pull (`host/repo:tag`, or `repo:tag` on Docker Hub). */
  ref: string;
}

export class RegistriesTree implements vscode.TreeDataProvider<TreeNode> {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly store: RegistryStore) {
    store.onDidChange(() => this.refresh());
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: TreeNode): TreeNode {
    return node;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.store.list().map((r) => registryNode(r));
    try {
      if (node.contextValue === 'registry') return await this.repositories(node.data as ConnectedRegistry);
      if (node.contextValue === 'registryRepository') return await this.tags(node.data as { registry: ConnectedRegistry; repository: string });
    } catch (e) {
      const err = new TreeNode(`Error: ${(e as Error).message}`, undefined);
      err.iconPath = new vscode.ThemeIcon('error');
      err.contextValue = 'registryError';
      return [err];
    }
    return [];
  }

  /** Every node reachable from the roots (expands registries and repositories; for the palette and tests). */
  async allNodes(): Promise<TreeNode[]> {
    const out: TreeNode[] = [];
    const walk = async (nodes: TreeNode[]) => {
      for (const n of nodes) {
        out.push(n);
        if (n.collapsibleState !== vscode.TreeItemCollapsibleState.None) await walk(await this.getChildren(n));
      }
    };
    await walk(await this.getChildren());
    return out;
  }

  private async api(r: ConnectedRegistry): Promise<RegistryApi> {
    return new RegistryApi({ host: r.host, apiUrl: r.apiUrl }, await this.store.auth(r.host));
  }

  private async repositories(r: ConnectedRegistry): Promise<TreeNode[]> {
    const repos = await (await this.api(r)).repositories();
    return repos.map((repository) => {
      const n = new TreeNode(repository, { registry: r, repository }, vscode.TreeItemCollapsibleState.Collapsed);
      n.id = `registry:${r.host}/${repository}`;
      n.contextValue = 'registryRepository';
      n.iconPath = new vscode.ThemeIcon('repo');
      return n;
    });
  }

  private async tags({ registry, repository }: { registry: ConnectedRegistry; repository: string }): Promise<TreeNode[]> {
    const tags = await (await this.api(registry)).tags(repository);
    return tags.map((tag) => {
      const ref = registry.host === 'docker.io' ? `${repository}:${tag}` : `${registry.host}/${repository}:${tag}`;
      const n = new TreeNode<RegistryTagRef>(tag, { registry: registry.host, repository, tag, ref });
      n.id = `registry:${registry.host}/${repository}:${tag}`;
      n.description = ref;
      n.contextValue = 'registryTag';
      n.iconPath = new vscode.ThemeIcon('tag');
      return n;
    });
  }
}

function registryNode(r: ConnectedRegistry): TreeNode {
  const n = new TreeNode(r.host === 'docker.io' ? 'Docker Hub' : r.host, r, vscode.TreeItemCollapsibleState.Collapsed);
  n.id = `registry:${r.host}`;
  n.description = r.apiUrl;
  n.contextValue = 'registry';
  n.iconPath = new vscode.ThemeIcon('cloud');
  return n;
}
