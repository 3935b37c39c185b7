// Disconnect Registry: forget it and its stored credentials.
import type { ConnectedRegistry } from '../../registries/registryStore';
import { targetNodes, type Command } from '../commandContext';

export const disconnectRegistryCommand: Command = {
  id: 'dockwright.registries.disconnect',
  async run(ctx, node) {
    const [target] = await targetNodes<ConnectedRegistry>({ allNodes: async () => ctx.trees.registries.getChildren() }, node, undefined, /^registry$/, 'Registry to disconnect');
    if (target) await ctx.registries.disconnect(target.data.host);
  },
};
