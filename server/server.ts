// The language server: connection, documents (incremental sync, parse once per version),
// settings, debounced diagnostics and the registration of every editing feature.
import {
  CodeActionKind, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, TextDocuments, TextDocumentSyncKind,
  type Connection, type Diagnostic, type InitializeResult, type ServerCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { DockerfileModel } from '../engine/dockerfile';
import { DiagnosticsScheduler } from './diagnosticsScheduler';
import { computeDiagnostics } from './diagnostics';
import { ParsedDocuments } from './documents';
import { SettingsStore } from './settings';
import { provideCodeActions } from './features/codeActions';
import { completion, completionTriggerCharacters } from './features/completion';
import { definition } from './features/definition';
import { documentHighlight } from './features/documentHighlight';
import { documentLinks } from './features/documentLinks';
import { documentSymbols } from './features/documentSymbols';
import { foldingRanges } from './features/foldingRanges';
import { formatDocument, formatOnType, formatRange, onTypeTriggerCharacters } from './features/formatting';
import { hover } from './features/hover';
import { references } from './features/references';
import { prepareRename, rename } from './features/rename';
import { semanticTokens, semanticTokensLegend } from './features/semanticTokens';
import { signatureHelp, signatureTriggerCharacters } from './features/signatureHelp';

/** The ignore files BuildKit reads for a Dockerfile (`.dockerignore`, `<Dockerfile>.dockerignore`). */
export const ignoreFileGlob = '**/{.dockerignore,*.dockerignore}';

/** Custom notification: the client pushes the image names it knows (for FROM completion). */
export const imagesNotification = 'dockwright/images';

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const parsed = new ParsedDocuments();
  const settings = new SettingsStore(connection);
  let knownImages: readonly string[] = [];
  let snippets = false;
  let watchFiles = false;
  /** The diagnostics last published per document (code actions fall back to them). */
  const published = new Map<string, Diagnostic[]>();

  const diagnostics = new DiagnosticsScheduler(async (uri, token) => {
    const document = documents.get(uri);
    if (!document) return;
    try {
      // Parse while the client answers the settings request (the parse does not depend on them).
      const pendingSettings = settings.forDocument(uri);
      const { model } = parsed.get(document);
      const docSettings = await pendingSettings;
      if (token.isCancellationRequested || documents.get(uri)?.version !== document.version) return;
      const items = computeDiagnostics(uri, model, docSettings);
      if (token.isCancellationRequested) return;
      published.set(uri, items);
      await connection.sendDiagnostics({ uri, version: document.version, diagnostics: items });
    } catch (error) {
      connection.console.error(`diagnostics of ${uri} failed: ${(error as Error).stack ?? error}`);
    }
  });

  connection.onInitialize((params): InitializeResult => {
    settings.configurationSupported = params.capabilities.workspace?.configuration === true;
    settings.dynamicChangeRegistration = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    snippets = params.capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
    watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    return { capabilities: capabilities(), serverInfo: { name: 'dockwright-language-server', version: '0.1.0' } };
  });
  connection.onInitialized(() => {
    if (settings.configurationSupported && settings.dynamicChangeRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'dockwright' });
    }
    if (watchFiles) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: ignoreFileGlob }] });
    }
  });
  // CopyIgnoredFile depends on the ignore files beside the Dockerfiles: re-lint when one changes.
  connection.onDidChangeWatchedFiles(() => {
    for (const document of documents.all()) diagnostics.schedule(document.uri);
  });
  connection.onDidChangeConfiguration((change) => {
    settings.changed(change.settings);
    for (const document of documents.all()) diagnostics.schedule(document.uri);
  });
  connection.onNotification(imagesNotification, (images: unknown) => {
    if (Array.isArray(images)) knownImages = images.filter((i): i is string => typeof i === 'string');
  });

  /** Runs a feature on the parsed model of an open document (null for unknown URIs). */
  const withModel = <T>(uri: string, feature: (model: DockerfileModel) => T): T | null => {
    const document = documents.get(uri);
    return document ? feature(parsed.get(document).model) : null;
  };

  connection.onCodeAction((params) =>
    withModel(params.textDocument.uri, (model) => provideCodeActions(params, model, published.get(params.textDocument.uri) ?? [])));
  connection.onCompletion(({ textDocument, position }) =>
    withModel(textDocument.uri, (model) => completion(model, position, { snippets, images: knownImages })));
  connection.onHover(({ textDocument, position }) =>
    withModel(textDocument.uri, (model) => hover(model, position)));
  connection.onSignatureHelp(({ textDocument, position }) =>
    withModel(textDocument.uri, (model) => signatureHelp(model, position)));
  connection.onDefinition(({ textDocument, position }) =>
    withModel(textDocument.uri, (model) => definition(model, textDocument.uri, position)));
  connection.onReferences(({ textDocument, position, context }) =>
    withModel(textDocument.uri, (model) => references(model, textDocument.uri, position, context.includeDeclaration)));
  connection.onDocumentHighlight(({ textDocument, position }) =>
    withModel(textDocument.uri, (model) => documentHighlight(model, position)));
  connection.onPrepareRename(({ textDocument, position }) =>
    withModel(textDocument.uri, (model) => prepareRename(model, position) ?? null));
  connection.onRenameRequest(({ textDocument, position, newName }) =>
    withModel(textDocument.uri, (model) => rename(model, textDocument.uri, position, newName)));
  connection.languages.semanticTokens.on(({ textDocument }) =>
    withModel(textDocument.uri, (model) => semanticTokens(model)) ?? { data: [] });
  connection.languages.semanticTokens.onRange(({ textDocument, range }) =>
    withModel(textDocument.uri, (model) => semanticTokens(model, range)) ?? { data: [] });
  connection.onDocumentSymbol(({ textDocument }) =>
    withModel(textDocument.uri, (model) => documentSymbols(model)));
  connection.onFoldingRanges(({ textDocument }) =>
    withModel(textDocument.uri, (model) => foldingRanges(model)));
  connection.onDocumentLinks(({ textDocument }) =>
    withModel(textDocument.uri, (model) => documentLinks(model)));
  connection.onDocumentFormatting(async ({ textDocument, options }) => {
    const { format } = await settings.forDocument(textDocument.uri);
    return withModel(textDocument.uri, (model) => formatDocument(model, options, format));
  });
  connection.onDocumentRangeFormatting(async ({ textDocument, range, options }) => {
    const { format } = await settings.forDocument(textDocument.uri);
    return withModel(textDocument.uri, (model) => formatRange(model, range, options, format));
  });
  connection.onDocumentOnTypeFormatting(async ({ textDocument, position, options }) => {
    const { format } = await settings.forDocument(textDocument.uri);
    return withModel(textDocument.uri, (model) => formatOnType(model, position.line, options, format));
  });

  // TextDocuments fires onDidChangeContent right after onDidOpen: keep the open immediate (no debounce).
  const opening = new Set<string>();
  documents.onDidOpen((e) => opening.add(e.document.uri));
  documents.onDidChangeContent((e) => diagnostics.schedule(e.document.uri, opening.delete(e.document.uri)));
  documents.onDidClose((e) => {
    diagnostics.cancel(e.document.uri);
    parsed.delete(e.document.uri);
    published.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
  connection.onShutdown(() => diagnostics.dispose());

  documents.listen(connection);
  connection.listen();
}

function capabilities(): ServerCapabilities {
  return {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    completionProvider: { triggerCharacters: completionTriggerCharacters, resolveProvider: false },
    hoverProvider: true,
    signatureHelpProvider: { triggerCharacters: signatureTriggerCharacters },
    definitionProvider: true,
    referencesProvider: true,
    documentHighlightProvider: true,
    renameProvider: { prepareProvider: true },
    semanticTokensProvider: { legend: semanticTokensLegend, full: true, range: true },
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    documentSymbolProvider: { label: 'Dockerfile' },
    foldingRangeProvider: true,
    documentLinkProvider: { resolveProvider: false },
    documentFormattingProvider: true,
    documentRangeFormattingProvider: true,
    documentOnTypeFormattingProvider: { firstTriggerCharacter: onTypeTriggerCharacters[0], moreTriggerCharacter: onTypeTriggerCharacters.slice(1) },
  };
}
