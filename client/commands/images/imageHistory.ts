// History: the image's layers (created by, size, age) in a read-only document.
import type { ImageRef } from '../../trees/imagesTree';
import { age, size } from '../../trees/format';
import { targetNodes, withEngine, type Command } from '../commandContext';

export const imageHistoryCommand: Command = {
  id: 'dockwright.images.history',
  async run(ctx, node) {
    const [target] = await targetNodes<ImageRef>(ctx.trees.images, node, undefined, /^image/, 'Image');
    if (!target) return;
    return withEngine(ctx, async (docker) => {
      const history = await docker.getImage(target.data.id).history() as { Id: string; Created: number; CreatedBy: string; Size: number; Comment?: string }[];
      const rows = history.map((h) => `${(h.Id === '<missing>' ? '<missing>' : h.Id.replace(/^sha256:/, '').slice(0, 12)).padEnd(12)}  ${age(h.Created).padEnd(16)}  ${size(h.Size).padStart(8)}  ${h.CreatedBy.replace(/\s+/g, ' ')}`);
      const text = `History of ${target.data.ref ?? target.data.id}\n\n${'IMAGE'.padEnd(12)}  ${'CREATED'.padEnd(16)}  ${'SIZE'.padStart(8)}  CREATED BY\n${rows.join('\n')}\n`;
      return ctx.documents.show(`history-${(target.data.ref ?? target.data.id.slice(7, 19)).replace(/[/:]/g, '_')}.txt`, text, 'plaintext');
    });
  },
};
