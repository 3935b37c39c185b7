// Starts the Dockwright language server (dist/server.js) over IPC for dockerfile documents, passes the
// `dockwright` settings (the server pulls them with workspace/configuration), and feeds it the engine's
// image names for completion after FROM (`dockwright/images` notification).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export const imagesNotification = 'dockwright/images';

export async function startLanguageClient(extensionPath: string, output: vscode.LogOutputChannel): Promise<LanguageClient> {
  const module = path.join(extensionPath, 'dist', 'server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'dockerfile' }],
    synchronize: { configurationSection: 'dockwright' },
    outputChannel: output,
  };
  const client = new LanguageClient('dockwright', 'Dockwright Language Server', serverOptions, clientOptions);
  await client.start();
  return client;
}

/** Tells the server which images the engine has (names like `alpine:3.20`). */
export function sendImages(client: LanguageClient | undefined, names: string[]): void {
  if (client?.isRunning()) void client.sendNotification(imagesNotification, names);
}
