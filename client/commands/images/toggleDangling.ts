// Show / hide dangling images (a setting, mirrored in the `dockwright.showDangling` context key).
import * as vscode from 'vscode';
import type { Command } from '../commandContext';

const set = (show: boolean) => vscode.workspace.getConfiguration('dockwright').update('images.showDangling', show, vscode.ConfigurationTarget.Global);
export const showDanglingCommand: Command = { id: 'dockwright.images.showDangling', run: () => set(true) as Promise<void> };
export const hideDanglingCommand: Command = { id: 'dockwright.images.hideDangling', run: () => set(false) as Promise<void> };
