// Copy Full Tag (images and registry tags).
import * as vscode from 'vscode';
import type { Command } from '../commandContext';

const copy = async (node: any) => {
  const ref = (node?.data as { ref?: string } | undefined)?.ref;
  if (ref) await vscode.env.clipboard.writeText(ref);
  return ref;
};
export const copyImageTagCommand: Command = { id: 'dockwright.images.copyFullTag', run: (_ctx, node) => copy(node) };
export const copyRegistryTagCommand: Command = { id: 'dockwright.registries.copyFullTag', run: (_ctx, node) => copy(node) };
