// Tag: add another name to an image.
import * as vscode from 'vscode';
import type { ImageRef } from '../../trees/imagesTree';
import { targetNodes, withEngine, type Command } from '../commandContext';

/** `host:5000/a/b:tag` → {repo: 'host:5000/a/b', tag: 'tag'} (a colon after the last slash is the tag). */
export function splitRef(ref: string): { repo: string; tag: string } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { repo: ref, tag: 'latest' };
}

export const tagImageCommand: Command = {
  id: 'dockwright.images.tag',
  async run(ctx, node, _nodes, newRef?: string) {
    const [target] = await targetNodes<ImageRef>(ctx.trees.images, node, undefined, /^image/, 'Image to tag');
    if (!target) return;
    const ref = newRef ?? await vscode.window.showInputBox({ title: 'Tag Image', prompt: `New tag for ${target.data.ref ?? target.data.id}`, value: target.data.ref });
    if (!ref) return;
    await withEngine(ctx, async (docker) => {
      await docker.getImage(target.data.id).tag(splitRef(ref.trim()));
      await ctx.trees.images.refresh();
    });
  },
};
