// Inspect: the engine's JSON for a container in a read-only editor.
import type { ContainerInfo } from '../../trees/containersTree';
import { targetNodes, withEngine, type Command } from '../commandContext';

export const inspectContainerCommand: Command = {
  id: 'dockwright.containers.inspect',
  async run(ctx, node) {
    const [target] = await targetNodes<ContainerInfo>(ctx.trees.containers, node, undefined, /^container:/, 'Container to inspect');
    if (!target) return;
    return withEngine(ctx, async (docker) => ctx.documents.show(`container-${target.data.name}.json`,
      JSON.stringify(await docker.getContainer(target.data.id).inspect(), null, 2), 'json'));
  },
};
