// Containers with state icons (running, exited, paused, unhealthy), ports and status.
import * as vscode from 'vscode';
import type { Docker } from '../../engine/api/client';
import { EngineTree, TreeNode } from './engineTree';

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  state: string;
  /** Published host ports (for Open in Browser). */
  hostPorts: number[];
}

export class ContainersTree extends EngineTree {
  protected async load(docker: Docker): Promise<TreeNode[]> {
    const list = await docker.listContainers({ all: true });
    return list.sort((a, b) => b.Created - a.Created).map((c) => {
      const name = (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, '');
      const hostPorts = reachablePorts(c);
      const info: ContainerInfo = { id: c.Id, name, image: c.Image, state: c.State, hostPorts };
      const node = new TreeNode<ContainerInfo>(name, info);
      node.id = `container:${c.Id}`;
      const ports = (c.Ports ?? []).filter((p) => p.PublicPort).map((p) => `${p.PublicPort}→${p.PrivatePort}`)
        .concat(isHostNetwork(c) ? hostPorts.map(String) : []);
      node.description = [c.Image, c.Status, ...ports].join(' · ');
      node.tooltip = `${name} (${c.Id.slice(0, 12)})\nimage: ${c.Image}\n${c.Status}${ports.length ? `\nports: ${ports.join(', ')}` : ''}`;
      node.contextValue = `container:${c.State}${hostPorts.length ? ':ports' : ''}`;
      node.iconPath = stateIcon(c.State, c.Status);
      return node;
    });
  }
}

const isHostNetwork = (c: Docker.ContainerInfo) => c.HostConfig?.NetworkMode === 'host';

/** Host ports that reach the container: published ones, or its exposed TCP ports on the host network (the bundled engine's only network). */
function reachablePorts(c: Docker.ContainerInfo): number[] {
  const ports = c.Ports ?? [];
  const published = ports.filter((p) => p.PublicPort).map((p) => p.PublicPort);
  const onHost = isHostNetwork(c) ? ports.filter((p) => !p.PublicPort && p.Type === 'tcp').map((p) => p.PrivatePort) : [];
  return [...new Set([...published, ...onHost])];
}

function stateIcon(state: string, status: string): vscode.ThemeIcon {
  if (/\(unhealthy\)/.test(status)) return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  switch (state) {
    case 'running': return new vscode.ThemeIcon('vm-running', new vscode.ThemeColor('charts.green'));
    case 'paused': return new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('charts.yellow'));
    case 'restarting': return new vscode.ThemeIcon('sync', new vscode.ThemeColor('charts.yellow'));
    case 'dead': return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    default: return new vscode.ThemeIcon('vm-outline');
  }
}
