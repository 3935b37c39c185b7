// Parse-once cache: every feature asks for the model of a document version here, so each version
// of a document is parsed exactly once, however many requests arrive for it.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseDockerfile, type DockerfileModel } from '../engine/dockerfile';

export interface ParsedDocument {
  readonly uri: string;
  readonly version: number;
  readonly text: string;
  readonly model: DockerfileModel;
}

export class ParsedDocuments {
  private readonly cache = new Map<string, ParsedDocument>();

  constructor(private readonly parse: (text: string) => DockerfileModel = parseDockerfile) {}

  /** The model of this exact document version (parsed now if this version was not seen yet). */
  get(document: TextDocument): ParsedDocument {
    const hit = this.cache.get(document.uri);
    if (hit && hit.version === document.version) return hit;
    const text = document.getText();
    const parsed = { uri: document.uri, version: document.version, text, model: this.parse(text) };
    this.cache.set(document.uri, parsed);
    return parsed;
  }

  /** Forget a closed document (a reopened one may reuse version numbers). */
  delete(uri: string): void {
    this.cache.delete(uri);
  }
}
