// Connected registries (globalState) and their credentials (SecretStorage), falling back to what the
// docker CLI has (config.json, credential helpers) so that one login serves both.
import * as vscode from 'vscode';
import { dockerConfigAuth, type RegistryAuth } from './dockerConfigAuth';
import { configKey } from './dockerConfigAuth';

export interface ConnectedRegistry {
  host: string;
  /** Base URL of the v2 API. */
  apiUrl: string;
}

const stateKey = 'dockwright.registries';
const secretKey = (host: string) => `dockwright.registry.${host}`;

export class RegistryStore {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento, private readonly secrets: vscode.SecretStorage) {}

  list(): ConnectedRegistry[] {
    return this.state.get<ConnectedRegistry[]>(stateKey, []);
  }

  async connect(registry: ConnectedRegistry, credentials?: { username: string; password: string }): Promise<void> {
    if (credentials) await this.secrets.store(secretKey(registry.host), JSON.stringify(credentials));
    await this.state.update(stateKey, [...this.list().filter((r) => r.host !== registry.host), registry]);
    this.changed.fire();
  }

  async disconnect(host: string): Promise<void> {
    await this.secrets.delete(secretKey(host));
    await this.state.update(stateKey, this.list().filter((r) => r.host !== host));
    this.changed.fire();
  }

  /** Credentials for a registry host: ours first, then the docker CLI's. */
  async auth(host: string): Promise<RegistryAuth | undefined> {
    const stored = await this.secrets.get(secretKey(host));
    if (stored) {
      const { username, password } = JSON.parse(stored) as { username: string; password: string };
      return { username, password, serveraddress: configKey(host) };
    }
    return dockerConfigAuth(host);
  }
}
