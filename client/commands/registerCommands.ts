// Registers every command with one wrapper (errors shown, not thrown into the void).
import * as vscode from 'vscode';
import type { Command, CommandContext } from './commandContext';
import { buildImageCommand } from './images/buildImage';
import { runImageCommand, runInteractiveCommand } from './images/runImage';
import { removeImageCommand } from './images/removeImage';
import { tagImageCommand } from './images/tagImage';
import { inspectImageCommand } from './images/inspectImage';
import { imageHistoryCommand } from './images/imageHistory';
import { pullImageCommand, pullFromRegistryCommand } from './images/pullImage';
import { pushImageCommand } from './images/pushImage';
import { pruneImagesCommand } from './images/pruneImages';
import { copyImageTagCommand, copyRegistryTagCommand } from './images/copyFullTag';
import { showDanglingCommand, hideDanglingCommand } from './images/toggleDangling';
import { startContainerCommand, stopContainerCommand, restartContainerCommand } from './containers/containerState';
import { removeContainerCommand } from './containers/removeContainer';
import { inspectContainerCommand } from './containers/inspectContainer';
import { commitContainerCommand } from './containers/commitContainer';
import { openInBrowserCommand } from './containers/openInBrowser';
import { pruneContainersCommand } from './containers/pruneContainers';
import { viewLogsCommand } from './containers/viewLogs';
import { attachShellCommand } from './containers/attachShell';
import { connectRegistryCommand } from './registries/connectRegistry';
import { disconnectRegistryCommand } from './registries/disconnectRegistry';
import { removeVolumeCommand } from './volumes/removeVolume';
import { pruneVolumesCommand } from './volumes/pruneVolumes';
import { switchEngineCommand } from './engine/switchEngine';
import { startBundledCommand } from './engine/startBundled';
import { refreshCommands } from './refreshCommands';

export const allCommands: Command[] = [
  buildImageCommand, runImageCommand, runInteractiveCommand, removeImageCommand, tagImageCommand, inspectImageCommand,
  imageHistoryCommand, pullImageCommand, pullFromRegistryCommand, pushImageCommand, pruneImagesCommand, copyImageTagCommand,
  copyRegistryTagCommand, showDanglingCommand, hideDanglingCommand,
  startContainerCommand, stopContainerCommand, restartContainerCommand, removeContainerCommand, inspectContainerCommand,
  commitContainerCommand, openInBrowserCommand, pruneContainersCommand, viewLogsCommand, attachShellCommand,
  connectRegistryCommand, disconnectRegistryCommand, removeVolumeCommand, pruneVolumesCommand,
  switchEngineCommand, startBundledCommand, ...refreshCommands,
];

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return allCommands.map((c) => vscode.commands.registerCommand(c.id, async (...args: any[]) => {
    try {
      return await c.run(ctx, args[0], Array.isArray(args[1]) ? args[1] : undefined, args[2]);
    } catch (e) {
      void vscode.window.showErrorMessage(`Dockwright: ${(e as Error).message}`);
      return undefined;
    }
  }));
}
