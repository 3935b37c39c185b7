// Shared helpers for the server feature tests.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, Range, TextEdit } from 'vscode-languageserver';
import { parseDockerfile, type DockerfileModel } from '../../../engine/dockerfile';

/** Parses `text` in which `|` marks the cursor; returns the model (without the marker) and the cursor. */
export function withCursor(marked: string): { model: DockerfileModel; position: Position; text: string } {
  const offset = marked.indexOf('|');
  if (offset < 0) throw new Error('no | cursor marker in test text');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const model = parseDockerfile(text);
  return { model, position: model.positionAt(offset), text };
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'dockerfile', 1, text), edits);
}

export function range(startLine: number, startCharacter: number, endLine: number, endCharacter: number): Range {
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

/** The text a range covers. */
export function textAt(text: string, r: Range): string {
  const doc = TextDocument.create('file:///x', 'dockerfile', 1, text);
  return doc.getText(r);
}
