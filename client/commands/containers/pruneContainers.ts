// Prune stopped containers.
import * as vscode from 'vscode';
import { confirm, withEngine, type Command } from '../commandContext';

export const pruneContainersCommand: Command = {
  id: 'dockwright.containers.prune',
  async run(ctx, _node, _nodes, options?: { confirmed?: boolean }) {
    if (!options?.confirmed && !await confirm('Remove all stopped containers?', 'Prune')) return;
    return withEngine(ctx, async (docker) => {
      const r = await docker.pruneContainers();
      await ctx.trees.containers.refresh();
      void vscode.window.showInformationMessage(`Pruned ${r.ContainersDeleted?.length ?? 0} containers`);
      return r;
    });
  },
};
