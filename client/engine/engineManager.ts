// Which engine this window talks to, and whether it answers. Resolves `dockwright.engine`, starts the
// bundled engine on demand, and publishes the state (context key `dockwright.engineState`).
import * as vscode from 'vscode';
import { createEngineClient, resolveEndpoint, type Docker, type EngineEndpoint } from '../../engine/api/client';
import type { BundledEngine } from './bundledEngine';
import { bundledEngineUnsupportedReason } from './bundledEngineSupport';

export type EngineState = 'idle' | 'connecting' | 'connected' | 'unreachable';

export class EngineManager implements vscode.Disposable {
  private docker: Docker | undefined;
  private connecting: Promise<Docker> | undefined;
  state: EngineState = 'idle';
  endpoint: EngineEndpoint | undefined;
  lastError: string | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the engine (or its state) changed. */
  readonly onDidChange = this.changed.event;
  private warnedNonLinux = false;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** Bumped by reconnect(): results of older connection attempts are ignored. */
  private generation = 0;
  /** The setting value of the latest connection attempt. */
  private attemptedSetting: string | undefined;

  constructor(private readonly bundled: BundledEngine, private readonly output: vscode.OutputChannel) {
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => {
      // The switch command reconnects itself; this catches edits in settings.json.
      if (e.affectsConfiguration('dockwright.engine') && this.setting !== this.attemptedSetting) void this.reconnect();
    }));
  }

  get setting(): string {
    return vscode.workspace.getConfiguration('dockwright').get<string>('engine', 'bundled') || 'bundled';
  }

  get isBundled(): boolean {
    return this.setting === 'bundled';
  }

  /** A short label for the status bar. */
  get label(): string {
    if (this.isBundled) return 'bundled';
    return this.endpoint?.url ?? this.setting;
  }

  /** The connected client; connects (and starts the bundled engine) first when needed. */
  async client(): Promise<Docker> {
    if (this.docker && this.state === 'connected') return this.docker;
    if (!this.connecting) {
      const attempt = this.connect(this.generation).finally(() => { if (this.connecting === attempt) this.connecting = undefined; });
      this.connecting = attempt;
    }
    return this.connecting;
  }

  /** Drops the current client and connects again (after a settings change or a manual switch). */
  async reconnect(): Promise<void> {
    this.generation++;
    this.docker = undefined;
    this.connecting = undefined;
    this.setState('idle');
    await this.client().catch(() => undefined);
  }

  private async connect(generation: number): Promise<Docker> {
    const current = () => generation === this.generation;
    this.attemptedSetting = this.setting;
    this.setState('connecting');
    try {
      if (this.isBundled) {
        const unsupported = bundledEngineUnsupportedReason(process.platform);
        if (unsupported) {
          this.warnNonLinux(unsupported);
          throw new Error(unsupported);
        }
        await this.bundled.ensureRunning();
      }
      this.endpoint = resolveEndpoint(this.setting);
      const docker = createEngineClient(this.endpoint);
      await docker.ping();
      if (!current()) return this.client();
      this.docker = docker;
      this.lastError = undefined;
      this.output.appendLine(`connected to ${this.endpoint.url}`);
      this.setState('connected');
      return docker;
    } catch (e) {
      if (!current()) return this.client();
      this.lastError = (e as Error).message;
      this.output.appendLine(`engine unreachable (${this.setting}): ${this.lastError}`);
      this.setState('unreachable');
      throw new Error(`Dockwright: the container engine is unreachable: ${this.lastError}`);
    }
  }

  /** Marks the engine unreachable after a failed call (the next call reconnects). */
  markUnreachable(e: unknown): void {
    this.lastError = (e as Error)?.message ?? String(e);
    this.docker = undefined;
    this.setState('unreachable');
  }

  private setState(state: EngineState): void {
    if (this.state === state) return;
    this.state = state;
    void vscode.commands.executeCommand('setContext', 'dockwright.engineState', state);
    this.changed.fire();
  }

  private warnNonLinux(reason: string): void {
    if (this.warnedNonLinux) return;
    this.warnedNonLinux = true;
    void vscode.window.showWarningMessage(reason, 'Use Docker')
      .then((pick) => pick && vscode.workspace.getConfiguration('dockwright').update('engine', 'docker', vscode.ConfigurationTarget.Global));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
