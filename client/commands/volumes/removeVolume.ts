// Remove one or several volumes.
import * as vscode from 'vscode';
import { confirm, targetNodes, withEngine, type Command } from '../commandContext';

export const removeVolumeCommand: Command = {
  id: 'dockwright.volumes.remove',
  async run(ctx, node, nodes, options?: { confirmed?: boolean }) {
    const targets = await targetNodes<{ name: string }>(ctx.trees.volumes, node, nodes, /^volume$/, 'Volumes to remove', true);
    if (!targets.length) return;
    if (!options?.confirmed && !await confirm(`Remove ${targets.length > 1 ? `${targets.length} volumes` : targets[0].data.name}? Its data is lost.`, 'Remove')) return;
    await withEngine(ctx, async (docker) => {
      const failures: string[] = [];
      for (const t of targets) await docker.getVolume(t.data.name).remove().catch((e: Error) => failures.push(`${t.data.name}: ${e.message}`));
      await ctx.trees.volumes.refresh();
      if (failures.length) void vscode.window.showErrorMessage(`Could not remove ${failures.join('; ')}`);
    });
  },
};
