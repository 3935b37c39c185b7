// Prune unused volumes.
import * as vscode from 'vscode';
import { confirm, withEngine, type Command } from '../commandContext';

export const pruneVolumesCommand: Command = {
  id: 'dockwright.volumes.prune',
  async run(ctx, _node, _nodes, options?: { confirmed?: boolean }) {
    if (!options?.confirmed && !await confirm('Remove all unused volumes and their data?', 'Prune')) return;
    return withEngine(ctx, async (docker) => {
      const r = await docker.pruneVolumes();
      await ctx.trees.volumes.refresh();
      void vscode.window.showInformationMessage(`Pruned ${r.VolumesDeleted?.length ?? 0} volumes`);
      return r;
    });
  },
};
