// textDocument/definition: a stage reference goes to `AS name`; a variable to its ARG/ENV lines;
// a heredoc terminator to its `<<NAME`.
import type { Location, Position } from 'vscode-languageserver';
import type { DockerfileModel } from '../../engine/dockerfile';
import { symbolIndex } from './symbolIndex';

export function definition(model: DockerfileModel, uri: string, position: Position): Location[] {
  const index = symbolIndex(model);
  const occurrence = index.at(position);
  if (!occurrence) return [];
  return index.of(occurrence.key).filter((o) => o.isDefinition).map((o) => ({ uri, range: o.range }));
}
