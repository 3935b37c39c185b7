// Remove one or several containers (forcing running ones), after a modal confirmation.
import * as vscode from 'vscode';
import type { ContainerInfo } from '../../trees/containersTree';
import { confirm, targetNodes, withEngine, type Command } from '../commandContext';

export const removeContainerCommand: Command = {
  id: 'dockwright.containers.remove',
  async run(ctx, node, nodes, options?: { confirmed?: boolean }) {
    const targets = await targetNodes<ContainerInfo>(ctx.trees.containers, node, nodes, /^container:/, 'Containers to remove', true);
    if (!targets.length) return;
    const running = targets.filter((t) => t.data.state === 'running').length;
    const what = targets.length > 1 ? `${targets.length} containers` : targets[0].data.name;
    if (!options?.confirmed && !await confirm(`Remove ${what}?${running ? ` ${running} running will be stopped.` : ''}`, 'Remove')) return;
    await withEngine(ctx, async (docker) => {
      const failures: string[] = [];
      await Promise.all(targets.map((t) => docker.getContainer(t.data.id).remove({ force: true, v: false }).catch((e: Error) => failures.push(`${t.data.name}: ${e.message}`))));
      await ctx.trees.containers.refresh();
      if (failures.length) void vscode.window.showErrorMessage(`Could not remove ${failures.join('; ')}`);
    });
  },
};
