// textDocument/documentHighlight: the occurrences of the symbol under the cursor, definitions as writes.
import { DocumentHighlightKind, type DocumentHighlight, type Position } from 'vscode-languageserver';
import type { DockerfileModel } from '../../engine/dockerfile';
import { symbolIndex } from './symbolIndex';

export function documentHighlight(model: DockerfileModel, position: Position): DocumentHighlight[] {
  const index = symbolIndex(model);
  const occurrence = index.at(position);
  if (!occurrence) return [];
  return index.of(occurrence.key).map((o) => ({
    range: o.range,
    kind: o.isDefinition ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
  }));
}
