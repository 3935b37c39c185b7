// textDocument/references: every occurrence of the stage or ARG/ENV variable under the cursor
// (stage references include `COPY --from`, `RUN --mount from=` and `FROM <stage>`).
import type { Location, Position } from 'vscode-languageserver';
import type { DockerfileModel } from '../../engine/dockerfile';
import { symbolIndex } from './symbolIndex';

export function references(model: DockerfileModel, uri: string, position: Position, includeDeclaration: boolean): Location[] {
  const index = symbolIndex(model);
  const occurrence = index.at(position);
  if (!occurrence) return [];
  return index.of(occurrence.key)
    .filter((o) => includeDeclaration || !o.isDefinition)
    .map((o) => ({ uri, range: o.range }));
}
