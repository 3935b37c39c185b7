// The bundled engine (dist/engine.js) as a per-user daemon: started on demand as a detached process
// shared by every VS Code window of the user, version-checked against this extension and restarted
// when the extension was updated. Its log file is followed into an output channel.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { bundledDataRoot, bundledSocketPath, engineVersion, waitForEngine } from '../../engine/api/client';

export class BundledEngine implements vscode.Disposable {
  readonly socketPath = bundledSocketPath();
  readonly dataRoot = bundledDataRoot();
  private readonly logFile = path.join(path.dirname(this.socketPath), 'engine.log');
  private logOffset = 0;
  private logWatcher: fs.StatWatcher | undefined;

  constructor(private readonly extensionPath: string, private readonly expectedVersion: string, private readonly output: vscode.OutputChannel) {}

  private ensuring: Promise<void> | undefined;

  /** Makes sure a bundled engine of this extension's version answers on the socket; starts one if not. */
  ensureRunning(): Promise<void> {
    if (!this.ensuring) {
      const attempt = this.check().finally(() => { if (this.ensuring === attempt) this.ensuring = undefined; });
      this.ensuring = attempt;
    }
    return this.ensuring;
  }

  private async check(): Promise<void> {
    const running = await engineVersion(this.socketPath).catch(() => undefined);
    if (running && running.Version === this.expectedVersion) return this.followLog();
    if (running) {
      this.output.appendLine(`bundled engine ${running.Version} is running but this extension ships ${this.expectedVersion}: restarting it`);
      await this.stop(running.Pid ?? this.pidFromLock());
    }
    await this.start();
  }

  private async start(): Promise<void> {
    const engineJs = path.join(this.extensionPath, 'dist', 'engine.js');
    if (!fs.existsSync(engineJs)) throw new Error(`the bundled engine is missing (${engineJs}); rebuild the extension`);
    fs.mkdirSync(path.dirname(this.socketPath), { recursive: true, mode: 0o700 });
    this.output.appendLine(`starting the bundled engine: ${engineJs} -H unix://${this.socketPath} --data-root ${this.dataRoot}`);
    const log = fs.openSync(this.logFile, 'a');
    // Detached in its own session so that it outlives this window and serves the user's other windows.
    const child = spawn(process.execPath, [engineJs, '-H', `unix://${this.socketPath}`, '--data-root', this.dataRoot], {
      detached: true, stdio: ['ignore', log, log], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    fs.closeSync(log);
    child.unref();
    // Another window may win the race for the data-root lock: then its engine answers and ours exits.
    const exited = new Promise<void>((resolve, reject) => child.once('exit', (code) => {
      engineVersion(this.socketPath).then(() => resolve(), () => reject(new Error(`the bundled engine exited with code ${code}: ${this.logTail()}`)));
    }));
    this.followLog();
    await Promise.race([waitForEngine(this.socketPath, 30000), exited]);
    this.output.appendLine('bundled engine ready');
  }

  private logTail(): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-3).join(' | ');
    } catch {
      return '(no log)';
    }
  }

  /** The running daemon's pid from its data-root lock file (`engine.pid`). */
  private pidFromLock(): number | undefined {
    try {
      return Number.parseInt(fs.readFileSync(path.join(this.dataRoot, 'engine.pid'), 'utf8'), 10) || undefined;
    } catch {
      return undefined;
    }
  }

  private async stop(pid: number | undefined): Promise<void> {
    if (!pid) return;
    try { process.kill(pid, 'SIGTERM'); } catch { return; }
    for (let i = 0; i < 100; i++) {
      try { process.kill(pid, 0); } catch { return; }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Appends what the engine writes to its log file to the output channel. */
  private followLog(): void {
    if (this.logWatcher) return;
    this.logOffset = fs.existsSync(this.logFile) ? Math.max(0, fs.statSync(this.logFile).size - 64 * 1024) : 0;
    const pump = () => {
      let fd: number | undefined;
      try {
        fd = fs.openSync(this.logFile, 'r');
        const size = fs.fstatSync(fd).size;
        if (size < this.logOffset) this.logOffset = 0;
        if (size > this.logOffset) {
          const buf = Buffer.alloc(size - this.logOffset);
          fs.readSync(fd, buf, 0, buf.length, this.logOffset);
          this.logOffset = size;
          this.output.append(buf.toString('utf8'));
        }
      } catch { /* no log yet */ } finally {
        if (fd !== undefined) fs.closeSync(fd);
      }
    };
    pump();
    this.logWatcher = fs.watchFile(this.logFile, { interval: 1000 }, pump);
  }

  dispose(): void {
    if (this.logWatcher) fs.unwatchFile(this.logFile);
  }
}
