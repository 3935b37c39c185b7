// Volumes (name, driver, mount point).
import * as vscode from 'vscode';
import type { Docker } from '../../engine/api/client';
import { EngineTree, TreeNode } from './engineTree';

export class VolumesTree extends EngineTree {
  protected async load(docker: Docker): Promise<TreeNode[]> {
    const { Volumes } = await docker.listVolumes();
    return (Volumes ?? []).sort((a, b) => a.Name.localeCompare(b.Name)).map((v) => {
      const node = new TreeNode<{ name: string }>(v.Name, { name: v.Name });
      node.id = `volume:${v.Name}`;
      node.description = v.Driver;
      node.tooltip = `${v.Name}\n${v.Mountpoint}`;
      node.contextValue = 'volume';
      node.iconPath = new vscode.ThemeIcon('database');
      return node;
    });
  }
}
