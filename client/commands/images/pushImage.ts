// Push: pick a connected registry (or keep the image's own), re-tag as `<registry>/<repo>:<tag>` when
// needed, push with the registry's credentials and show progress.
import * as vscode from 'vscode';
import type { ImageRef } from '../../trees/imagesTree';
import { targetNodes, withEngine, type Command } from '../commandContext';
import { splitRef } from './tagImage';

/** The registry host of a reference (`docker.io` when the first component is not a host). */
export function registryOf(ref: string): string {
  const first = ref.split('/')[0];
  return ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

/** `ref` re-homed on `registry` (its repository path kept, any old registry host dropped). */
export function retag(ref: string, registry: string): string {
  const path = registryOf(ref) === 'docker.io' ? ref : ref.slice(ref.indexOf('/') + 1);
  return registry === 'docker.io' ? path : `${registry}/${path}`;
}

export const pushImageCommand: Command = {
  id: 'dockwright.images.push',
  async run(ctx, node, _nodes, registryArg?: string) {
    const [target] = await targetNodes<ImageRef>(ctx.trees.images, node, undefined, /^image$/, 'Image to push');
    if (!target?.data.ref) return false;
    let registry = registryArg;
    if (!registry) {
      const own = registryOf(target.data.ref);
      const choices = [...new Set([own, ...ctx.registries.list().map((r) => r.host)])];
      const pick = choices.length > 1
        ? await vscode.window.showQuickPick(choices.map((h) => ({ label: h === 'docker.io' ? 'Docker Hub' : h, host: h })), { placeHolder: `Push ${target.data.ref} to` })
        : { host: own };
      if (!pick) return false;
      registry = pick.host;
    }
    const ref = retag(target.data.ref, registry);
    return await withEngine(ctx, async (docker) => {
      if (ref !== target.data.ref) await docker.getImage(target.data.id).tag(splitRef(ref));
      const auth = await ctx.registries.auth(registry!);
      const { repo, tag } = splitRef(ref);
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pushing ${ref}` }, async (progress) => {
        const stream = await (docker.getImage(repo).push({ tag, ...(auth ? { authconfig: auth } : {}) } as any) as unknown as Promise<NodeJS.ReadableStream>);
        await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null, out: any[]) => {
          const failed = err ?? out?.find((m) => m.error);
          if (failed) reject(new Error(failed.message ?? failed.error)); else resolve();
        }, (m: { status?: string; id?: string }) => progress.report({ message: [m.id, m.status].filter(Boolean).join(': ') })));
      });
      await ctx.trees.images.refresh();
      ctx.trees.registries.refresh();
      void vscode.window.showInformationMessage(`Pushed ${ref}`);
      return true;
    }) ?? false;
  },
};
