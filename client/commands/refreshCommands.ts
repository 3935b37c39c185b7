// The views' Refresh buttons (they bypass the debounce).
import type { Command } from './commandContext';

export const refreshCommands: Command[] = [
  { id: 'dockwright.images.refresh', run: (ctx) => ctx.trees.images.refresh() },
  { id: 'dockwright.containers.refresh', run: (ctx) => ctx.trees.containers.refresh() },
  { id: 'dockwright.volumes.refresh', run: (ctx) => ctx.trees.volumes.refresh() },
  { id: 'dockwright.registries.refresh', run: async (ctx) => ctx.trees.registries.refresh() },
];
