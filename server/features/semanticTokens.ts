// textDocument/semanticTokens (full and range): what the model knows beyond the TextMate grammar —
// instruction keywords (also across escapes and continuations), flags, variables and their
// declarations, stage names, base images, comments, parser directives, heredoc delimiters and
// exec-form strings. Heredoc bodies get no tokens, so the grammar's embedded shell shows through.
import { SemanticTokensBuilder, type Range, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import type { DockerfileModel, Instruction } from '../../engine/dockerfile';
import { PREDEFINED_ARGS } from '../../engine/dockerfile/expand';
import { symbolIndex } from './symbolIndex';

const tokenTypes = ['keyword', 'parameter', 'variable', 'string', 'comment', 'macro', 'namespace', 'class', 'label'] as const;
const tokenModifiers = ['declaration', 'deprecated', 'defaultLibrary'] as const;
type TokenType = typeof tokenTypes[number];
type TokenModifier = typeof tokenModifiers[number];

const predefined = new Set(PREDEFINED_ARGS.map((p) => p.name));

export const semanticTokensLegend: SemanticTokensLegend = { tokenTypes: [...tokenTypes], tokenModifiers: [...tokenModifiers] };

interface Token { line: number; start: number; end: number; type: number; modifiers: number }

export function semanticTokens(model: DockerfileModel, range?: Range): SemanticTokens {
  const tokens: Token[] = [];
  const firstLine = range?.start.line ?? 0;
  const lastLine = range?.end.line ?? Number.MAX_SAFE_INTEGER;
  const add = (r: Range | undefined, type: TokenType, ...modifiers: TokenModifier[]) => {
    // Tokens are single-line; the rare range spanning a continuation is left to the grammar.
    if (!r || r.start.line !== r.end.line || r.end.character <= r.start.character) return;
    if (r.start.line < firstLine || r.start.line > lastLine) return;
    tokens.push({
      line: r.start.line, start: r.start.character, end: r.end.character, type: tokenTypes.indexOf(type),
      modifiers: modifiers.reduce((bits, m) => bits | (1 << tokenModifiers.indexOf(m)), 0),
    });
  };

  for (const directive of model.directives) {
    add(directive.nameRange, 'macro');
    add(directive.valueRange, 'string');
  }
  for (const comment of model.comments) add(comment.range, 'comment');
  for (const instruction of model.instructions) {
    if (instruction.range.end.line < firstLine || instruction.range.start.line > lastLine) {
      if (instruction.fullRange.end.line < firstLine || instruction.fullRange.start.line > lastLine) continue;
    }
    addInstruction(model, instruction, add);
  }
  const index = symbolIndex(model);
  for (const o of index.occurrences) {
    if (o.kind === 'heredoc') continue; // the whole `<<EOF` token and terminator are labels already
    const modifiers: TokenModifier[] = o.isDefinition ? ['declaration'] : [];
    // `$TARGETARCH`, `$HTTP_PROXY`...: a predefined ARG this file uses without declaring it.
    if (o.kind === 'variable' && predefined.has(o.name) && !index.of(o.key).some((x) => x.isDefinition)) modifiers.push('defaultLibrary');
    add(o.range, o.kind === 'stage' ? 'namespace' : 'variable', ...modifiers);
  }
  return encode(tokens);
}

type Add = (r: Range | undefined, type: TokenType, ...modifiers: TokenModifier[]) => void;

function addInstruction(model: DockerfileModel, instruction: Instruction, add: Add): void {
  add(instruction.keywordRange, 'keyword', ...(instruction.kind === 'MAINTAINER' ? ['deprecated' as const] : []));
  for (const flag of instruction.flags) {
    add({ start: flag.range.start, end: flag.nameRange.end }, 'parameter');
    if (flag.valueText !== undefined && !flag.valueText.includes('$')) add(flag.valueRange, 'string');
  }
  for (const heredoc of instruction.heredocs) {
    add(heredoc.tokenRange, 'label');
    add(heredoc.endRange, 'label');
  }
  if (instruction.json) {
    for (const element of instruction.json.elements) add(element.range, 'string');
  }
  switch (instruction.kind) {
    case 'FROM': {
      add(instruction.asKeyword?.range, 'keyword');
      const stage = model.stages[instruction.stageIndex];
      if (stage?.base.kind === 'image' && instruction.image && !instruction.image.text.includes('$')) add(instruction.image.range, 'class');
      break;
    }
    case 'HEALTHCHECK':
      add(instruction.modeWord?.range, 'keyword');
      break;
    case 'ONBUILD':
      if (instruction.trigger) addInstruction(model, instruction.trigger, add);
      break;
  }
}

/** Sorts tokens and splits any token around the ones nested in it (LSP tokens must not overlap). */
function encode(tokens: Token[]): SemanticTokens {
  tokens.sort((a, b) => a.line - b.line || a.start - b.start || (b.end - b.start) - (a.end - a.start));
  const out: Token[] = [];
  for (const t of tokens) {
    const remainders: Token[] = [];
    while (out.length > 0) {
      const last = out[out.length - 1];
      if (last.line !== t.line || last.end <= t.start) break;
      out.pop();
      if (last.start < t.start) out.push({ ...last, end: t.start });
      if (last.end > t.end) remainders.push({ ...last, start: t.end });
    }
    out.push(t, ...remainders.sort((a, b) => a.start - b.start));
  }
  const builder = new SemanticTokensBuilder();
  for (const t of out) builder.push(t.line, t.start, t.end - t.start, t.type, t.modifiers);
  return builder.build();
}
