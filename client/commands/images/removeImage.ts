// Remove one or several images (multi-select), after a modal confirmation.
import * as vscode from 'vscode';
import type { ImageRef } from '../../trees/imagesTree';
import { confirm, targetNodes, withEngine, type Command } from '../commandContext';

export const removeImageCommand: Command = {
  id: 'dockwright.images.remove',
  async run(ctx, node, nodes, options?: { confirmed?: boolean }) {
    const targets = await targetNodes<ImageRef>(ctx.trees.images, node, nodes, /^image/, 'Images to remove', true);
    if (!targets.length) return;
    const names = targets.map((t) => t.data.ref ?? t.data.id.slice(7, 19));
    if (!options?.confirmed && !await confirm(`Remove ${names.length > 1 ? `${names.length} images` : names[0]}?`, 'Remove')) return;
    await withEngine(ctx, async (docker) => {
      const failures: string[] = [];
      for (const [i, t] of targets.entries()) {
        await docker.getImage(t.data.ref ?? t.data.id).remove().catch((e: Error) => failures.push(`${names[i]}: ${e.message}`));
      }
      await ctx.trees.images.refresh();
      if (failures.length) void vscode.window.showErrorMessage(`Could not remove ${failures.join('; ')}`);
    });
  },
};
