// Start / Stop / Restart (several at once when multi-selected), in the background with a progress toast.
import * as vscode from 'vscode';
import type { ContainerInfo } from '../../trees/containersTree';
import { targetNodes, withEngine, type Command, type CommandContext } from '../commandContext';

type Action = 'start' | 'stop' | 'restart';
const eligible: Record<Action, RegExp> = {
  start: /^container:(exited|created|dead)/,
  stop: /^container:(running|paused|restarting)/,
  restart: /^container:(running|paused|exited)/,
};

async function change(ctx: CommandContext, action: Action, node: any, nodes: any[] | undefined): Promise<void> {
  const targets = await targetNodes<ContainerInfo>(ctx.trees.containers, node, nodes, eligible[action], `Container to ${action}`, true);
  if (!targets.length) return;
  await withEngine(ctx, async (docker) => vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${action[0].toUpperCase()}${action.slice(1)}ing ${targets.map((t) => t.data.name).join(', ')}` },
    async () => {
      await Promise.all(targets.map((t) => (docker.getContainer(t.data.id)[action] as (o: object) => Promise<unknown>).call(docker.getContainer(t.data.id), {})));
      await ctx.trees.containers.refresh();
    }));
}

export const startContainerCommand: Command = { id: 'dockwright.containers.start', run: (ctx, node, nodes) => change(ctx, 'start', node, nodes) };
export const stopContainerCommand: Command = { id: 'dockwright.containers.stop', run: (ctx, node, nodes) => change(ctx, 'stop', node, nodes) };
export const restartContainerCommand: Command = { id: 'dockwright.containers.restart', run: (ctx, node, nodes) => change(ctx, 'restart', node, nodes) };
