// Commit: a container's changes as a new image with the tag the user gives.
import * as vscode from 'vscode';
import type { ContainerInfo } from '../../trees/containersTree';
import { splitRef } from '../images/tagImage';
import { targetNodes, withEngine, type Command } from '../commandContext';

export const commitContainerCommand: Command = {
  id: 'dockwright.containers.commit',
  async run(ctx, node, _nodes, tagArg?: string) {
    const [target] = await targetNodes<ContainerInfo>(ctx.trees.containers, node, undefined, /^container:/, 'Container to commit');
    if (!target) return;
    const tag = tagArg ?? await vscode.window.showInputBox({ title: `Commit ${target.data.name}`, prompt: 'Tag for the new image', value: `${target.data.name}:latest` });
    if (!tag) return;
    return withEngine(ctx, async (docker) => {
      const r = await docker.getContainer(target.data.id).commit(splitRef(tag.trim()));
      await ctx.trees.images.refresh();
      void vscode.window.showInformationMessage(`Committed ${target.data.name} as ${tag}`);
      return r;
    });
  },
};
