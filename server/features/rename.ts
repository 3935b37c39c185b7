// textDocument/prepareRename and rename for stages, ARG/ENV variables defined in the document and
// heredoc delimiters.
import { ResponseError, ErrorCodes, type Position, type Range, type WorkspaceEdit } from 'vscode-languageserver';
import type { DockerfileModel } from '../../engine/dockerfile';
import { symbolIndex, type Occurrence } from './symbolIndex';

const STAGE_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]*$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VALID: Record<Occurrence['kind'], RegExp> = { stage: STAGE_NAME, variable: VARIABLE_NAME, heredoc: VARIABLE_NAME };

/** The range and name of what can be renamed at `position`, or undefined. */
export function prepareRename(model: DockerfileModel, position: Position): { range: Range; placeholder: string } | undefined {
  const occurrence = renameable(model, position);
  return occurrence && { range: occurrence.range, placeholder: occurrence.name };
}

/** Throws a ResponseError (shown to the user) when the new name is not valid for the symbol. */
export function rename(model: DockerfileModel, uri: string, position: Position, newName: string): WorkspaceEdit | null {
  const occurrence = renameable(model, position);
  if (!occurrence) return null;
  if (!VALID[occurrence.kind].test(newName)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `'${newName}' is not a valid ${occurrence.kind === 'heredoc' ? 'heredoc delimiter' : occurrence.kind} name`);
  }
  // A stage referenced by its index (`--from=0`) keeps the index: it still names the same stage.
  const edits = symbolIndex(model).of(occurrence.key)
    .filter((o) => !(o.kind === 'stage' && /^\d+$/.test(o.name)))
    .map((o) => ({ range: o.range, newText: newName }));
  return { changes: { [uri]: edits } };
}

/** Only symbols defined in this file can be renamed (not `$PATH` from the base image). */
function renameable(model: DockerfileModel, position: Position): Occurrence | undefined {
  const index = symbolIndex(model);
  const occurrence = index.at(position);
  if (!occurrence || !index.of(occurrence.key).some((o) => o.isDefinition)) return undefined;
  return occurrence;
}
