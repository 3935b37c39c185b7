// Images grouped by repository; each tag shows its age and size; dangling images only when toggled.
import * as vscode from 'vscode';
import type { Docker } from '../../engine/api/client';
import type { EngineManager } from '../engine/engineManager';
import { EngineTree, TreeNode } from './engineTree';
import { age, size } from './format';

export interface ImageRef {
  id: string;
  /** `repo:tag`, or undefined for a dangling image. */
  ref?: string;
  repository: string;
  tag: string;
}

export class ImagesTree extends EngineTree {
  constructor(engine: EngineManager, private readonly showDangling: () => boolean) {
    super(engine);
  }

  protected async load(docker: Docker): Promise<TreeNode[]> {
    const images = await docker.listImages();
    const groups = new Map<string, TreeNode<ImageRef>[]>();
    for (const img of images) {
      const tags = (img.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
      const shortId = img.Id.replace(/^sha256:/, '').slice(0, 12);
      const refs: ImageRef[] = tags.length
        ? tags.map((ref) => { const i = ref.lastIndexOf(':'); return { id: img.Id, ref, repository: ref.slice(0, i), tag: ref.slice(i + 1) }; })
        : this.showDangling() ? [{ id: img.Id, repository: '<none>', tag: shortId }] : [];
      for (const r of refs) {
        const node = new TreeNode<ImageRef>(r.tag, r);
        node.id = `image:${r.ref ?? img.Id}`;
        node.description = `${age(img.Created)} · ${size(img.Size)}`;
        node.tooltip = `${r.ref ?? '<none>'}\n${img.Id}\ncreated ${new Date(img.Created * 1000).toISOString()}\n${size(img.Size)}`;
        node.contextValue = r.ref ? 'image' : 'image:dangling';
        node.iconPath = new vscode.ThemeIcon('tag');
        const list = groups.get(r.repository) ?? [];
        list.push(node);
        groups.set(r.repository, list);
      }
    }
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([repo, nodes]) => {
      const group = new TreeNode(repo, { repository: repo }, vscode.TreeItemCollapsibleState.Expanded);
      group.id = `repository:${repo}`;
      group.contextValue = 'repository';
      group.iconPath = new vscode.ThemeIcon('package');
      group.children = nodes.sort((a, b) => String(a.label).localeCompare(String(b.label)));
      return group;
    });
  }
}
