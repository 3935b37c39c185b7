// LSP-level diagnostics: spawns dist/server.js --stdio and checks what it publishes (codes, source,
// severities, docs links, tags, fixes in `data`), `.dockerignore` beside the file, settings, and
// that textDocument/codeAction turns the fixes into workspace edits.
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MessageConnection } from 'vscode-languageserver-protocol/node';
import type { CodeAction, Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { buildDist, startStdioServer, stopServer } from '../../harness/languageServer';

describe('diagnostics over the protocol (dist/server.js --stdio)', function () {
  this.timeout(120_000);
  let server: ChildProcess;
  let connection: MessageConnection;
  let dir: string;
  let stderr = '';
  const published = new Map<string, PublishDiagnosticsParams>();
  const waiters: (() => void)[] = [];
  let ruleSettings: Record<string, string> = {};

  before(async () => {
    buildDist();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-diag-'));
    ({ server, connection } = startStdioServer());
    server.stderr!.on('data', (d) => (stderr += String(d)));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      published.set(`${p.uri}@${p.version}`, p);
      waiters.splice(0).forEach((w) => w());
    });
    connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ lint: { rules: ruleSettings } })));
    connection.onRequest('client/registerCapability', () => null);
    connection.listen();
    await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
    await connection.sendNotification('initialized', {});
  });

  after(async () => {
    await stopServer(server, connection);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function diagnose(name: string, text: string, keepOpen = false): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
    const deadline = Date.now() + 10_000;
    while (!published.has(`${uri}@1`)) {
      assert.ok(Date.now() < deadline, `no diagnostics for ${uri} (server stderr: ${stderr})`);
      await new Promise<void>((resolve) => { waiters.push(resolve); setTimeout(resolve, 200); });
    }
    const result = published.get(`${uri}@1`)!;
    if (!keepOpen) await connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    return { uri, diagnostics: result.diagnostics };
  }

  it('publishes build errors and check warnings with code, source, docs link and fixes', async () => {
    const { diagnostics } = await diagnose('Dockerfile', 'FROM alpine:3 AS Build\nRUNN true\nMAINTAINER me\nCMD ["a"]\nCMD ["b"]\n');
    const byCode = new Map(diagnostics.map((d) => [d.code, d]));
    const unknown = byCode.get('UnknownInstruction')!;
    assert.equal(unknown.severity, 1);
    assert.equal(unknown.source, 'dockwright');
    assert.deepEqual(unknown.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } });
    const casing = byCode.get('StageNameCasing')!;
    assert.equal(casing.severity, 2);
    assert.equal(casing.codeDescription?.href, 'https://docs.docker.com/go/dockerfile/rule/stage-name-casing/');
    assert.ok(Array.isArray((casing.data as { fixes: unknown[] }).fixes));
    assert.deepEqual(byCode.get('MaintainerDeprecated')!.tags, [2]);
    assert.deepEqual(byCode.get('MultipleInstructionsDisallowed')!.tags, [1]);
  });

  it('turns fixes into quick-fix code actions', async () => {
    const { uri, diagnostics } = await diagnose('Dockerfile.fix', 'FROM alpine:3 AS Build\n', true);
    const casing = diagnostics.find((d) => d.code === 'StageNameCasing')!;
    const actions = await connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri }, range: casing.range, context: { diagnostics: [casing] },
    });
    const rename = actions.find((a) => a.isPreferred)!;
    assert.equal(rename.kind, 'quickfix');
    assert.deepEqual(rename.edit!.changes![uri], [{ range: casing.range, newText: 'build' }]);
    assert.ok(actions.some((a) => a.title.includes('# check=skip') && a.edit!.changes![uri][0].newText === '# check=skip=StageNameCasing\n'));
  });

  it('honours # check=skip and per-rule severity settings', async () => {
    const skipped = await diagnose('Dockerfile.skip', '# check=skip=StageNameCasing\nFROM alpine:3 AS Build\n');
    assert.deepEqual(skipped.diagnostics.map((d) => d.code), []);
    ruleSettings = { StageNameCasing: 'error' };
    await connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const raised = await diagnose('Dockerfile.sev', 'FROM alpine:3 AS Build\n');
    ruleSettings = {};
    await connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    assert.deepEqual(raised.diagnostics.map((d) => [d.code, d.severity]), [['StageNameCasing', 1]]);
  });

  it('reads .dockerignore (and <Dockerfile>.dockerignore, which wins) beside the file for CopyIgnoredFile', async () => {
    fs.writeFileSync(path.join(dir, '.dockerignore'), '*.log\n');
    const plain = await diagnose('Dockerfile.ignore', 'FROM scratch\nCOPY app.log notes.md /app/\n');
    assert.deepEqual(plain.diagnostics.map((d) => [d.code, d.range.start.character]), [['CopyIgnoredFile', 5]]);
    fs.writeFileSync(path.join(dir, 'Dockerfile.own.dockerignore'), 'notes.md\n');
    const own = await diagnose('Dockerfile.own', 'FROM scratch\nCOPY app.log notes.md /app/\n');
    assert.deepEqual(own.diagnostics.map((d) => [d.code, d.range.start.character]), [['CopyIgnoredFile', 13]]);
  });

  it('reports nothing on a clean modern Dockerfile', async () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'ARG GO=1.22',
      'FROM golang:${GO} AS build',
      'WORKDIR /src',
      'RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=bind,target=. go build -o /out/app .',
      'RUN <<EOF',
      'echo "${HOME}"',
      'EOF',
      'FROM gcr.io/distroless/static:nonroot',
      'COPY --from=build --chmod=755 /out/app /app',
      'USER 65532',
      'ENTRYPOINT ["/app"]',
      '',
    ].join('\n');
    const { diagnostics } = await diagnose('Dockerfile.clean', text);
    assert.deepEqual(diagnostics.map((d) => `${String(d.code)}: ${d.message}`), []);
  });
});
