// The language server: connection, documents (incremental sync, parse once per version),
// settings, debounced diagnostics and the registration of every editing feature.
import {
  CodeActionKind, DidChangeConfigurationNotification, TextDocuments, TextDocumentSyncKind,
  type Connection, type Diagnostic, type InitializeResult, type ServerCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
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

/** Custom notification: the client pushes the image names it knows (for FROM completion). */
export const imagesNotification = 'dockwright/images';

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const parsed = new ParsedDocuments();
  const settings = new SettingsStore(connection);
  let knownImages: readonly string[] = [];
  let snippets = false;
  /** The diagnostics last published per document (code actions fall back to them). */
  const published = new Map<string, Diagnostic[]>();

  const diagnostics = new DiagnosticsScheduler(async (uri, token) => {
    const document = documents.get(uri);
    if (!document) return;
    const docSettings = await settings.forDocument(uri);
    if (token.isCancellationRequested || documents.get(uri)?.version !== document.version) return;
    const items = computeDiagnostics(uri, parsed.get(document).model, docSettings);
    if (token.isCancellationRequested) return;
    published.set(uri, items);
    await connection.sendDiagnostics({ uri, version: document.version, diagnostics: items });
  });

  connection.onInitialize((params): InitializeResult => {
    settings.configurationSupported = params.capabilities.workspace?.configuration === true;
    settings.dynamicChangeRegistration = params.capabilities.workspace?.didChangeConfiguration?.dynamicRegistration === true;
    snippets = params.capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
    return { capabilities: capabilities(), serverInfo: { name: 'dockwright-language-server', version: '0.1.0' } };
  });
  connection.onInitialized(() => {
    if (settings.configurationSupported && settings.dynamicChangeRegistration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'dockwright' });
    }
  });
  connection.onDidChangeConfiguration((change) => {
    settings.changed(change.settings);
    for (const document of documents.all()) diagnostics.schedule(document.uri);
  });
  connection.onNotification(imagesNotification, (images: unknown) => {
    if (Array.isArray(images)) knownImages = images.filter((i): i is string => typeof i === 'string');
  });

  /** The parsed model of an open document (undefined for unknown URIs). */
  const modelOf = (uri: string) => {
    const document = documents.get(uri);
    return document ? parsed.get(document).model : undefined;
  };

  connection.onCodeAction((params) => {
    const model = modelOf(params.textDocument.uri);
    return model ? provideCodeActions(params, model, published.get(params.textDocument.uri) ?? []) : null;
  });
  connection.onCompletion(({ textDocument, position }) => {
    const model = modelOf(textDocument.uri);
    return model ? completion(model, position, { snippets, images: knownImages }) : null;
  });
  connection.onHover(({ textDocument, position }) => {
    const model = modelOf(textDocument.uri);
    return model ? hover(model, position) : null;
  });
  connection.onSignatureHelp(({ textDocument, position }) => {
    const model = modelOf(textDocument.uri);
    return model ? signatureHelp(model, position) : null;
  });
  connection.onDefinition(({ textDocument, position }) => {
    const model = modelOf(textDocument.uri);
    return model ? definition(model, textDocument.uri, position) : null;
  });
  connection.onReferences(({ textDocument, position, context }) => {
    const model = modelOf(textDocument.uri);
    return model ? references(model, textDocument.uri, position, context.includeDeclaration) : null;
  });
  connection.onDocumentHighlight(({ textDocument, position }) => {
    const model = modelOf(textDocument.uri);
    return model ? documentHighlight(model, position) : null;
  });
  connection.onPrepareRename(({ textDocument, position }) => {
    const model = modelOf(textDocument.uri);
    return (model && prepareRename(model, position)) ?? null;
  });
  connection.onRenameRequest(({ textDocument, position, newName }) => {
    const model = modelOf(textDocument.uri);
    return model ? rename(model, textDocument.uri, position, newName) : null;
  });
  connection.languages.semanticTokens.on(({ textDocument }) => {
    const model = modelOf(textDocument.uri);
    return model ? semanticTokens(model) : { data: [] };
  });
  connection.languages.semanticTokens.onRange(({ textDocument, range }) => {
    const model = modelOf(textDocument.uri);
    return model ? semanticTokens(model, range) : { data: [] };
  });
  connection.onDocumentSymbol(({ textDocument }) => {
    const model = modelOf(textDocument.uri);
    return model ? documentSymbols(model) : null;
  });
  connection.onFoldingRanges(({ textDocument }) => {
    const model = modelOf(textDocument.uri);
    return model ? foldingRanges(model) : null;
  });
  connection.onDocumentLinks(({ textDocument }) => {
    const model = modelOf(textDocument.uri);
    return model ? documentLinks(model) : null;
  });
  connection.onDocumentFormatting(async ({ textDocument, options }) => {
    const format = (await settings.forDocument(textDocument.uri)).format;
    const model = modelOf(textDocument.uri);
    return model ? formatDocument(model, options, format) : null;
  });
  connection.onDocumentRangeFormatting(async ({ textDocument, range, options }) => {
    const format = (await settings.forDocument(textDocument.uri)).format;
    const model = modelOf(textDocument.uri);
    return model ? formatRange(model, range, options, format) : null;
  });
  connection.onDocumentOnTypeFormatting(async ({ textDocument, position, options }) => {
    const format = (await settings.forDocument(textDocument.uri)).format;
    const model = modelOf(textDocument.uri);
    return model ? formatOnType(model, position.line, options, format) : null;
  });

  // TextDocuments fires onDidChangeContent right after onDidOpen: keep the open immediate (no debounce).
  const opening = new Set<string>();
  documents.onDidOpen((e) => opening.add(e.document.uri));
  documents.onDidChangeContent((e) => diagnostics.schedule(e.document.uri, opening.delete(e.document.uri)));
  documents.onDidClose((e) => {
    diagnostics.cancel(e.document.uri);
    parsed.delete(e.document.uri);
    published.delete(e.document.uri);
    settings.forget(e.document.uri);
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
