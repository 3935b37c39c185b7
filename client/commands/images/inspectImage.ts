// Inspect: the engine's JSON for an image in a read-only editor.
import type { ImageRef } from '../../trees/imagesTree';
import { targetNodes, withEngine, type Command } from '../commandContext';

export const inspectImageCommand: Command = {
  id: 'dockwright.images.inspect',
  async run(ctx, node) {
    const [target] = await targetNodes<ImageRef>(ctx.trees.images, node, undefined, /^image/, 'Image to inspect');
    if (!target) return;
    return withEngine(ctx, async (docker) => {
      const info = await docker.getImage(target.data.id).inspect();
      const name = (target.data.ref ?? target.data.id.slice(7, 19)).replace(/[/:]/g, '_');
      return ctx.documents.show(`image-${name}.json`, JSON.stringify(info, null, 2), 'json');
    });
  },
};
