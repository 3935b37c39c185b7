// textDocument/documentSymbol: a hierarchy of directives, global instructions, and stages with
// their instructions (ONBUILD triggers nested under ONBUILD).
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { DockerfileModel, Instruction, Range, Stage } from '../../engine/dockerfile';
import { comparePositions } from './positions';

const kinds: Record<string, SymbolKind> = {
  ARG: SymbolKind.Variable, ENV: SymbolKind.Variable, LABEL: SymbolKind.Property,
  RUN: SymbolKind.Function, CMD: SymbolKind.Function, ENTRYPOINT: SymbolKind.Function, SHELL: SymbolKind.Function,
  HEALTHCHECK: SymbolKind.Event, ONBUILD: SymbolKind.Event,
  COPY: SymbolKind.File, ADD: SymbolKind.File, WORKDIR: SymbolKind.Namespace, VOLUME: SymbolKind.Namespace,
  EXPOSE: SymbolKind.Number, USER: SymbolKind.Key, STOPSIGNAL: SymbolKind.Constant, MAINTAINER: SymbolKind.String,
};
const maxDetail = 80;

export function documentSymbols(model: DockerfileModel): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = model.directives.map((d) => ({
    name: `# ${d.name}`, detail: d.value, kind: SymbolKind.Key, range: d.range, selectionRange: d.nameRange,
  }));
  for (const instruction of model.instructions) {
    if (instruction.stageIndex < 0) symbols.push(instructionSymbol(instruction));
  }
  for (const stage of model.stages) symbols.push(stageSymbol(stage));
  return symbols;
}

function stageSymbol(stage: Stage): DocumentSymbol {
  const children = stage.instructions.filter((i) => i !== stage.from).map(instructionSymbol);
  const name = stage.nameText ?? `stage ${stage.index}`;
  return {
    name,
    detail: `FROM ${stage.from.image?.text ?? ''}`.trim(),
    kind: SymbolKind.Module,
    range: enclosing(stage.range, stage.from.fullRange, ...children.map((c) => c.range)),
    selectionRange: stage.nameRange ?? stage.from.keywordRange,
    children,
  };
}

function instructionSymbol(instruction: Instruction): DocumentSymbol {
  const trigger = instruction.kind === 'ONBUILD' ? instruction.trigger : undefined;
  return {
    name: instruction.keyword,
    detail: summary(trigger ? `${trigger.keyword} ${trigger.argsText}` : instruction.argsText),
    kind: kinds[instruction.keyword] ?? SymbolKind.Field,
    range: instruction.fullRange,
    selectionRange: instruction.keywordRange,
    children: trigger ? [instructionSymbol(trigger)] : undefined,
  };
}

function summary(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > maxDetail ? `${oneLine.slice(0, maxDetail - 1)}…` : oneLine;
}

/** The smallest range covering all of `ranges` (children must lie inside their parent). */
function enclosing(first: Range, ...ranges: Range[]): Range {
  let { start, end } = first;
  for (const r of ranges) {
    if (comparePositions(r.start, start) < 0) start = r.start;
    if (comparePositions(r.end, end) > 0) end = r.end;
  }
  return { start, end };
}
