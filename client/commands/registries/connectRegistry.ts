// Connect Registry: Docker Hub or any v2 URL; checks the registry answers and the credentials work,
// stores the password in SecretStorage (or uses the docker CLI's credentials when none is given).
import * as vscode from 'vscode';
import { RegistryApi, registryEndpoint } from '../../registries/registryApi';
import type { Command } from '../commandContext';

export interface ConnectOptions {
  url: string;
  username?: string;
  password?: string;
}

export const connectRegistryCommand: Command = {
  id: 'dockwright.registries.connect',
  async run(ctx, _node, _nodes, options?: ConnectOptions) {
    const opts = options ?? await ask();
    if (!opts) return false;
    const endpoint = registryEndpoint(opts.url);
    const credentials = opts.username ? { username: opts.username, password: opts.password ?? '' } : undefined;
    const auth = credentials ? { ...credentials, serveraddress: endpoint.host } : await ctx.registries.auth(endpoint.host);
    try {
      if (endpoint.host !== 'docker.io') await new RegistryApi(endpoint, auth).check();
    } catch (e) {
      void vscode.window.showErrorMessage(`Could not connect ${endpoint.host}: ${(e as Error).message}`);
      return false;
    }
    await ctx.registries.connect({ host: endpoint.host, apiUrl: endpoint.apiUrl }, credentials);
    return true;
  },
};

async function ask(): Promise<ConnectOptions | undefined> {
  const kind = await vscode.window.showQuickPick([{ label: 'Docker Hub', url: 'docker.io' }, { label: 'Other registry (v2 API)...', url: '' }], { title: 'Connect Registry' });
  if (!kind) return undefined;
  const url = kind.url || await vscode.window.showInputBox({ title: 'Connect Registry', prompt: 'Registry URL or host', placeHolder: 'registry.example.com or http://127.0.0.1:5000' });
  if (!url) return undefined;
  const username = await vscode.window.showInputBox({ title: 'Connect Registry', prompt: 'User name (empty: anonymous or the docker CLI\'s login)' });
  if (username === undefined) return undefined;
  const password = username ? await vscode.window.showInputBox({ title: 'Connect Registry', prompt: `Password or token for ${username}`, password: true }) : undefined;
  if (username && password === undefined) return undefined;
  return { url, username: username || undefined, password };
}
