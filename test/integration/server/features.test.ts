// LSP-level test: builds dist/server.js, spawns it with --stdio and talks to it with the real
// JSON-RPC client library: capabilities, diagnostics for a broken file, completion and hover.
import * as assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection,
} from 'vscode-languageserver-protocol/node';
import type {
  CompletionItem, CompletionList, Hover, InitializeResult, PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';
import { buildDist, serverPath, startStdioServer, stopServer } from '../../harness/languageServer';

describe('language server over stdio (dist/server.js)', function () {
  this.timeout(120_000);
  let server: ChildProcess;
  let connection: MessageConnection;
  let capabilities: InitializeResult['capabilities'];
  const diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  const waiters: (() => void)[] = [];
  const registrations: { method: string; registerOptions?: unknown }[] = [];
  let tmp: string | undefined;

  before(async () => {
    buildDist();
    ({ server, connection } = startStdioServer());
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      diagnostics.set(p.uri, [...(diagnostics.get(p.uri) ?? []), p]);
      waiters.splice(0).forEach((w) => w());
    });
    connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ lint: { rules: { MaintainerDeprecated: 'off' } } })));
    connection.onRequest('client/registerCapability', (p: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      registrations.push(...p.registrations);
      return null;
    });
    connection.listen();
    const result = await connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid, rootUri: null,
      capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } }, textDocument: { completion: { completionItem: { snippetSupport: true } } } },
    });
    capabilities = result.capabilities;
    await connection.sendNotification('initialized', {});
  });

  after(async () => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    await stopServer(server, connection);
  });

  async function open(uri: string, text: string): Promise<void> {
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text } });
  }

  async function diagnosticsFor(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = diagnostics.get(uri)?.find((p) => p.version === version);
      if (found) return found;
      assert.ok(Date.now() < deadline, `no diagnostics for ${uri} version ${version}`);
      await new Promise<void>((resolve) => { waiters.push(resolve); setTimeout(resolve, 200); });
    }
  }

  it('announces incremental sync and the editing features', () => {
    assert.equal((capabilities.textDocumentSync as { change: number }).change, 2);
    assert.ok(capabilities.documentSymbolProvider);
    assert.ok(capabilities.foldingRangeProvider);
    assert.ok(capabilities.documentFormattingProvider);
    assert.ok(capabilities.codeActionProvider);
    assert.ok(capabilities.hoverProvider);
    assert.ok(capabilities.renameProvider);
    assert.ok(capabilities.semanticTokensProvider?.legend.tokenTypes.includes('keyword'));
    assert.ok(capabilities.completionProvider?.triggerCharacters?.includes('$'));
  });

  it('publishes diagnostics for a broken file, honouring settings, and clears them when fixed', async () => {
    const uri = 'file:///tmp/dockwright-features-test/broken/Dockerfile';
    await open(uri, 'RUN true\nFROM alpine\nMAINTAINER me\n');
    const first = await diagnosticsFor(uri, 1);
    const missingFrom = first.diagnostics.find((d) => d.code === 'MissingFrom');
    assert.ok(missingFrom, JSON.stringify(first.diagnostics));
    assert.equal(missingFrom.source, 'dockwright');
    assert.equal(missingFrom.severity, 1);
    assert.deepEqual(missingFrom.range.start, { line: 0, character: 0 });
    assert.ok(!first.diagnostics.some((d) => d.code === 'MaintainerDeprecated'), 'the setting turned MaintainerDeprecated off');

    // Two quick incremental edits (move the RUN below FROM): only the last version is published.
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, text: '' }],
    });
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: 'RUN true\n' }],
    });
    const fixed = await diagnosticsFor(uri, 3);
    assert.ok(!fixed.diagnostics.some((d) => d.severity === 1), JSON.stringify(fixed.diagnostics));
    assert.ok(!diagnostics.get(uri)!.some((p) => p.version === 2), 'the debounced version 2 was cancelled by version 3');
  });

  it('watches .dockerignore files and re-lints open Dockerfiles when one changes', async () => {
    assert.ok(registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles'), JSON.stringify(registrations));
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dockwright-watch-'));
    const dockerfile = path.join(tmp, 'Dockerfile');
    fs.writeFileSync(dockerfile, 'FROM alpine:3.20\nCOPY secret.txt /x\n');
    const uri = pathToFileURL(dockerfile).href;
    await open(uri, fs.readFileSync(dockerfile, 'utf8'));
    const before = await diagnosticsFor(uri, 1);
    assert.ok(!before.diagnostics.some((d) => d.code === 'CopyIgnoredFile'));
    const published = diagnostics.get(uri)!.length;
    fs.writeFileSync(path.join(tmp, '.dockerignore'), 'secret.txt\n');
    await connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(tmp, '.dockerignore')).href, type: 1 }] });
    const deadline = Date.now() + 10_000;
    while (diagnostics.get(uri)!.length === published) {
      assert.ok(Date.now() < deadline, 'no new diagnostics after the .dockerignore change');
      await new Promise<void>((resolve) => { waiters.push(resolve); setTimeout(resolve, 200); });
    }
    const after = diagnostics.get(uri)!.at(-1)!;
    assert.ok(after.diagnostics.some((d) => d.code === 'CopyIgnoredFile'), JSON.stringify(after.diagnostics));
  });

  it('completes over the protocol: keywords as snippets, stages after --from=, images the client pushed', async () => {
    const uri = 'file:///tmp/dockwright-features-test/complete/Dockerfile';
    await connection.sendNotification('dockwright/images', ['registry.example/team/app:1.0']);
    await open(uri, 'FROM alpine AS build\nFROM scratch\nCOPY --from=\n\nFROM \n');
    const at = (line: number, character: number) => connection.sendRequest<CompletionItem[] | CompletionList | null>(
      'textDocument/completion', { textDocument: { uri }, position: { line, character } });
    const labels = (r: CompletionItem[] | CompletionList | null) => (Array.isArray(r) ? r : r?.items ?? []).map((i) => i.label);
    assert.deepEqual(labels(await at(2, 12)), ['build']);
    const keywords = await at(3, 0);
    const run = (Array.isArray(keywords) ? keywords : keywords!.items).find((i) => i.filterText === 'RUN');
    assert.equal(run?.insertTextFormat, 2, 'a snippet');
    assert.ok(labels(await at(4, 5)).includes('registry.example/team/app:1.0'));
  });

  it('hovers over the protocol: instruction docs and variable values', async () => {
    const uri = 'file:///tmp/dockwright-features-test/hover/Dockerfile';
    await open(uri, 'FROM alpine\nARG VERSION=1.2\nRUN echo $VERSION\n');
    const keyword = await connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 1 } });
    assert.match((keyword?.contents as { value: string }).value, /\*\*RUN\*\*/);
    const variable = await connection.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 12 } });
    assert.match((variable?.contents as { value: string }).value, /ARG = 1\.2/);
    assert.deepEqual(variable?.range, { start: { line: 2, character: 10 }, end: { line: 2, character: 17 } });
  });

  it('answers every other registered feature over the protocol', async () => {
    const uri = 'file:///tmp/dockwright-features-test/all/Dockerfile';
    await open(uri, 'from golang:1.22 as build\nRUN go build \\\n  ./...\nFROM scratch\nCOPY --from=build /out /out\n');
    const textDocument = { uri };
    const request = <T>(method: string, params: object) => connection.sendRequest<T>(method, { textDocument, ...params });
    const fromBuild = { line: 4, character: 13 };
    const edits = await request<{ newText: string }[]>('textDocument/formatting', { options: { tabSize: 2, insertSpaces: true } });
    assert.deepEqual(edits.map((e) => e.newText), ['FROM', 'AS']);
    const texts = (r: { newText: string }[]) => r.map((e) => e.newText);
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } };
    assert.deepEqual(texts(await request('textDocument/rangeFormatting', { range, options: { tabSize: 2, insertSpaces: true } })), ['FROM', 'AS']);
    assert.deepEqual(texts(await request('textDocument/onTypeFormatting', { position: { line: 1, character: 0 }, ch: '\n', options: { tabSize: 2, insertSpaces: true } })), ['FROM', 'AS']);
    assert.deepEqual(await request('textDocument/definition', { position: fromBuild }), [{ uri, range: { start: { line: 0, character: 20 }, end: { line: 0, character: 25 } } }]);
    assert.equal((await request<unknown[]>('textDocument/references', { position: fromBuild, context: { includeDeclaration: true } })).length, 2);
    assert.equal((await request<unknown[]>('textDocument/documentHighlight', { position: fromBuild })).length, 2);
    assert.deepEqual(await request('textDocument/prepareRename', { position: fromBuild }),
      { range: { start: { line: 4, character: 12 }, end: { line: 4, character: 17 } }, placeholder: 'build' });
    const renamed = await request<{ changes: Record<string, unknown[]> }>('textDocument/rename', { position: fromBuild, newName: 'compile' });
    assert.equal(renamed.changes[uri].length, 2);
    const renameError = await request('textDocument/rename', { position: fromBuild, newName: 'not valid' }).then(() => undefined, (e: Error) => e.message);
    assert.match(renameError ?? '', /not a valid stage name/);
    assert.ok((await request<{ data: number[] }>('textDocument/semanticTokens/full', {})).data.length > 0);
    assert.ok((await request<{ data: number[] }>('textDocument/semanticTokens/range', { range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } } })).data.length > 0);
    assert.deepEqual((await request<{ name: string }[]>('textDocument/documentSymbol', {})).map((s) => s.name), ['build', 'stage 1']);
    assert.deepEqual(await request('textDocument/foldingRange', {}), [{ startLine: 0, endLine: 2 }, { startLine: 1, endLine: 2 }, { startLine: 3, endLine: 4 }]);
    assert.deepEqual((await request<{ target: string }[]>('textDocument/documentLink', {})).map((l) => l.target), ['https://hub.docker.com/_/golang']);
    const help = await request<{ signatures: { label: string }[] }>('textDocument/signatureHelp', { position: { line: 4, character: 18 } });
    assert.match(help.signatures[0].label, /^COPY /);
    const actions = await request<{ title: string }[]>('textDocument/codeAction', { range, context: { diagnostics: [] } });
    assert.deepEqual(actions, []);
  });
});

describe('language server over node IPC (dist/server.js --node-ipc)', function () {
  this.timeout(120_000);
  let server: ChildProcess | undefined;

  after(() => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
  });

  it('initializes, answers a request and exits on shutdown/exit', async () => {
    buildDist();
    server = fork(serverPath(), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const connection = createMessageConnection(new IPCMessageReader(server), new IPCMessageWriter(server));
    connection.listen();
    const result = await connection.sendRequest<InitializeResult>('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    assert.equal(result.serverInfo?.name, 'dockwright-language-server');
    await connection.sendNotification('initialized', {});
    const uri = 'file:///tmp/dockwright-ipc/Dockerfile';
    const published: PublishDiagnosticsParams[] = [];
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => { published.push(p); });
    const codes = async (count: number) => {
      for (const deadline = Date.now() + 10_000; published.length < count;) {
        assert.ok(Date.now() < deadline, `only ${published.length} diagnostics notifications`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return published[count - 1].diagnostics.map((d) => d.code);
    };
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dockerfile', version: 1, text: 'FROM a AS b\nMAINTAINER me\n' } });
    const symbols = await connection.sendRequest<{ name: string }[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(symbols.map((s) => s.name), ['b']);
    // No workspace/configuration support: defaults first, then the settings the client pushes.
    assert.ok((await codes(1)).includes('MaintainerDeprecated'));
    await connection.sendNotification('workspace/didChangeConfiguration', { settings: { dockwright: { lint: { rules: { MaintainerDeprecated: 'off' } } } } });
    assert.ok(!(await codes(2)).includes('MaintainerDeprecated'));
    const exited = new Promise<number | null>((resolve) => server!.once('exit', (code) => resolve(code)));
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    assert.equal(await exited, 0);
    connection.dispose();
  });
});
