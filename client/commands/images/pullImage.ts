// Pull an image (with the registry's stored or docker CLI credentials), with progress.
import * as vscode from 'vscode';
import type { RegistryTagRef } from '../../trees/registriesTree';
import { withEngine, type Command, type CommandContext } from '../commandContext';
import { registryOf } from './pushImage';

export async function pull(ctx: CommandContext, ref: string): Promise<boolean> {
  return await withEngine(ctx, async (docker) => {
    const auth = await ctx.registries.auth(registryOf(ref));
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pulling ${ref}` }, async (progress) => {
      const stream = await docker.pull(ref, auth ? { authconfig: auth } : {});
      await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null, out: any[]) => {
        const failed = err ?? out?.find((m) => m.error);
        if (failed) reject(new Error(failed.message ?? failed.error)); else resolve();
      }, (m: { status?: string; id?: string }) => progress.report({ message: [m.id, m.status].filter(Boolean).join(': ') })));
    });
    await ctx.trees.images.refresh();
    return true;
  }) ?? false;
}

export const pullImageCommand: Command = {
  id: 'dockwright.images.pull',
  async run(ctx, _node, _nodes, refArg?: string) {
    const ref = refArg ?? await vscode.window.showInputBox({ title: 'Pull Image', prompt: 'Image to pull', placeHolder: 'e.g. alpine:3.20 or registry.example.com/team/app:1.0' });
    if (!ref) return false;
    return pull(ctx, ref.trim());
  },
};

export const pullFromRegistryCommand: Command = {
  id: 'dockwright.registries.pull',
  async run(ctx, node) {
    const data = node?.data as RegistryTagRef | undefined;
    if (!data) return vscode.commands.executeCommand('dockwright.images.pull');
    return pull(ctx, data.ref);
  },
};
