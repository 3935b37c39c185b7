// Shared by the extension-host specs: the activated extension's API, the engine under test, polling.
import * as vscode from 'vscode';
import Docker from 'dockerode';

export function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these tests through test/integration/client/extensionHost.test.ts`);
  return v;
}

export async function dockwright(): Promise<any> {
  const ext = vscode.extensions.getExtension('dockwright.dockwright');
  if (!ext) throw new Error('the Dockwright extension is not loaded');
  return ext.activate();
}

/** A dockerode client for a `unix://` host (to check effects independently of the extension's client). */
export function engineAt(host: string): Docker {
  return new Docker({ socketPath: host.replace(/^unix:\/\//, '') });
}

export async function until<T>(what: string, probe: () => Promise<T> | T, timeoutMs = 20000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Labels of the nodes of a tree (depth first), e.g. `sample:latest` as `sample/latest`. */
export async function treeLabels(tree: { allNodes(): Promise<vscode.TreeItem[]> }): Promise<string[]> {
  return (await tree.allNodes()).map((n) => String(typeof n.label === 'string' ? n.label : n.label?.label));
}

export async function imageRefs(api: any): Promise<string[]> {
  return (await api.trees.images.allNodes()).map((n: any) => n.data?.ref).filter(Boolean);
}

export async function containerNode(api: any, name: string): Promise<any> {
  return (await api.trees.containers.refresh()).find((n: any) => n.data.name === name);
}
