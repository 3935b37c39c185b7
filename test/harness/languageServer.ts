// Builds dist/server.js and runs it over stdio with the real JSON-RPC client library, for LSP-level tests.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-languageserver-protocol/node';

const root = path.resolve(__dirname, '../..');

/** Bundles dist/ (esbuild only: a type error elsewhere in the tree must not fail an LSP test). */
export function buildDist(): void {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(build.status, 0, `build failed: ${build.stderr}`);
}

export function serverPath(): string {
  return path.join(root, 'dist/server.js');
}

/** Spawns `node dist/server.js --stdio` and connects to it (not yet listening: register handlers, then `listen()`). */
export function startStdioServer(): { server: ChildProcess; connection: MessageConnection } {
  const server = spawn(process.execPath, [serverPath(), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  return { server, connection };
}

/** shutdown + exit, then SIGKILL if the server has not exited within 3 s. */
export async function stopServer(server: ChildProcess | undefined, connection: MessageConnection | undefined): Promise<void> {
  if (connection) {
    await connection.sendRequest('shutdown').catch(() => undefined);
    await connection.sendNotification('exit').catch(() => undefined);
    connection.dispose();
  }
  if (server && server.exitCode === null) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { server.kill('SIGKILL'); resolve(); }, 3000);
      server.once('exit', () => { clearTimeout(timer); resolve(); });
    });
  }
}
