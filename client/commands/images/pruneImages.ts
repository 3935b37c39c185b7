// Prune dangling images.
import * as vscode from 'vscode';
import { size } from '../../trees/format';
import { confirm, withEngine, type Command } from '../commandContext';

export const pruneImagesCommand: Command = {
  id: 'dockwright.images.prune',
  async run(ctx, _node, _nodes, options?: { confirmed?: boolean }) {
    if (!options?.confirmed && !await confirm('Remove all dangling images?', 'Prune')) return;
    return withEngine(ctx, async (docker) => {
      const r = await docker.pruneImages({ filters: { dangling: { true: true } } });
      await ctx.trees.images.refresh();
      void vscode.window.showInformationMessage(`Pruned ${r.ImagesDeleted?.length ?? 0} images, reclaimed ${size(r.SpaceReclaimed ?? 0)}`);
      return r;
    });
  },
};
