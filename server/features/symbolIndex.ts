// Every occurrence of a stage name, an ARG/ENV variable and a heredoc delimiter in a document,
// computed once per model (cached) and shared by definition, references, rename, highlight,
// hover and semantic tokens.
//
// Which occurrences are "the same" follows BuildKit's scoping: a stage and the stages built
// FROM it share variables; global ARGs are seen by FROM lines, and a stage's `ARG NAME` without
// a value takes the global ARG's default, which links the two.
import type { DockerfileModel, Heredoc, Instruction, Position, Range, Word } from '../../engine/dockerfile';
import { wordSubRange } from '../../engine/dockerfile';
import { expandWord } from '../../engine/dockerfile/expand';
import { comparePositions, contains, lineText, touches } from './positions';
import { scopeModel } from './scopes';

export interface Occurrence {
  kind: 'stage' | 'variable' | 'heredoc';
  name: string;
  /** Identifies the symbol: occurrences with the same key are the same stage or variable. */
  key: string;
  range: Range;
  isDefinition: boolean;
}

export interface SymbolIndex {
  /** All occurrences in document order. */
  readonly occurrences: readonly Occurrence[];
  /** The occurrence under the cursor (a cursor right after a name counts). */
  at(position: Position): Occurrence | undefined;
  /** Every occurrence of the symbol with this key, in document order. */
  of(key: string): Occurrence[];
}

const cache = new WeakMap<DockerfileModel, SymbolIndex>();
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function symbolIndex(model: DockerfileModel): SymbolIndex {
  let index = cache.get(model);
  if (!index) {
    index = buildIndex(model);
    cache.set(model, index);
  }
  return index;
}

function buildIndex(model: DockerfileModel): SymbolIndex {
  const groups = new UnionFind();
  const raw: Omit<Occurrence, 'key'>[] = [];
  const scopeKeys: string[] = [];
  const add = (o: Omit<Occurrence, 'key'>, scope: string) => { raw.push(o); scopeKeys.push(scope); };

  // A stage's variables live in the family of stages rooted at the first non-stage base
  // (`FROM $BASE` counts as the stage it expands to).
  const scopes = scopeModel(model);
  const family = model.stages.map((s) => s.index);
  for (const stage of model.stages) {
    const base = scopes.resolvedBase(stage);
    if (base.kind === 'stage' && base.stageIndex < stage.index) family[stage.index] = family[base.stageIndex];
  }
  const globalArgs = new Set(model.globalArgs.flatMap((a) => a.pairs.map((p) => p.key)));

  for (const stage of model.stages) {
    if (stage.name && stage.nameRange) {
      add({ kind: 'stage', name: stage.nameText ?? stage.name, range: stage.nameRange, isDefinition: true }, `stage:${stage.index}`);
    }
    for (const ref of stage.references) {
      if (ref.stageIndex !== undefined) add({ kind: 'stage', name: ref.target, range: ref.range, isDefinition: false }, `stage:${ref.stageIndex}`);
    }
  }

  const visit = (instruction: Instruction, scope: string) => {
    for (const heredoc of instruction.heredocs) {
      const ends = heredocDelimiters(model, heredoc);
      if (!ends) continue;
      const key = `heredoc:${heredoc.tokenRange.start.line}:${heredoc.tokenRange.start.character}`;
      add({ kind: 'heredoc', name: heredoc.name, range: ends.opening, isDefinition: true }, key);
      add({ kind: 'heredoc', name: heredoc.name, range: ends.closing, isDefinition: false }, key);
    }
    if (instruction.kind === 'ARG' || instruction.kind === 'ENV') {
      for (const pair of instruction.pairs) {
        if (!pair.key || !NAME.test(pair.key)) continue;
        add({ kind: 'variable', name: pair.key, range: pair.keyRange, isDefinition: true }, `${scope}:${pair.key}`);
        if (instruction.kind === 'ARG' && !pair.value && scope !== 'global' && globalArgs.has(pair.key)) {
          groups.union(`${scope}:${pair.key}`, `global:${pair.key}`);
        }
      }
    }
    for (const ref of variableReferences(model, instruction)) {
      add({ kind: 'variable', name: ref.name, range: ref.range, isDefinition: false }, `${scope}:${ref.name}`);
    }
    if (instruction.kind === 'ONBUILD' && instruction.trigger) visit(instruction.trigger, scope);
  };
  for (const instruction of model.instructions) {
    const scope = instruction.kind === 'FROM' || instruction.stageIndex < 0 ? 'global' : `s${family[instruction.stageIndex]}`;
    visit(instruction, scope);
  }

  const occurrences: Occurrence[] = raw.map((o, i) => ({ ...o, key: o.kind === 'variable' ? groups.find(scopeKeys[i]) : scopeKeys[i] }));
  occurrences.sort((a, b) => comparePositions(a.range.start, b.range.start));
  const byKey = new Map<string, Occurrence[]>();
  for (const o of occurrences) {
    const list = byKey.get(o.key);
    if (list) list.push(o);
    else byKey.set(o.key, [o]);
  }
  return {
    occurrences,
    at: (position) => occurrenceAt(occurrences, position),
    of: (key) => byKey.get(key) ?? [],
  };
}

function occurrenceAt(occurrences: readonly Occurrence[], position: Position): Occurrence | undefined {
  let lo = 0;
  let hi = occurrences.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (comparePositions(occurrences[mid].range.start, position) <= 0) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  // Prefer an occurrence the cursor is inside; else one that ends right at the cursor.
  const candidates = [occurrences[found], occurrences[found - 1]].filter((o) => o !== undefined);
  return candidates.find((o) => contains(o.range, position)) ?? candidates.find((o) => touches(o.range, position));
}

/** `$NAME` / `${NAME...}` references with the range of the name, in flags, arguments and heredocs. */
function variableReferences(model: DockerfileModel, instruction: Instruction): { name: string; range: Range }[] {
  const refs: { name: string; range: Range }[] = [];
  const escapeChar = model.escapeChar;
  const scanText = (text: string, toRange: (start: number, end: number) => Range | undefined) => {
    if (!text.includes('$')) return;
    for (const r of expandWord(text, new Map(), { escapeChar }).references) {
      if (!NAME.test(r.name)) continue;
      const range = toRange(r.nameStart, r.nameEnd);
      if (range) refs.push({ name: r.name, range });
    }
  };
  const scanWord = (word: Word) => scanText(word.text, (s, e) => wordSubRange(model, word, s, e));

  for (const flag of instruction.flags) {
    const valueRange = flag.valueRange;
    if (flag.valueText === undefined || !valueRange || valueRange.start.line !== valueRange.end.line) continue;
    scanText(flag.valueText, (s, e) => ({
      start: { line: valueRange.start.line, character: valueRange.start.character + s },
      end: { line: valueRange.start.line, character: valueRange.start.character + e },
    }));
  }
  const shellCommand = instruction.kind === 'RUN' || instruction.kind === 'CMD' || instruction.kind === 'ENTRYPOINT';
  if (instruction.json) {
    if (!shellCommand) {
      for (const element of instruction.json.elements) {
        const raw = model.text.slice(model.offsetAt(element.range.start) + 1, model.offsetAt(element.range.end) - 1);
        if (raw !== element.value || element.range.start.line !== element.range.end.line) continue;
        const line = element.range.start.line;
        const first = element.range.start.character + 1;
        scanText(raw, (s, e) => ({ start: { line, character: first + s }, end: { line, character: first + e } }));
      }
    }
  } else {
    for (const word of instruction.args) scanWord(word);
  }
  for (const heredoc of instruction.heredocs) {
    if (!heredoc.bodyRange || (heredoc.quoted && !shellCommand)) continue;
    for (let line = heredoc.bodyRange.start.line; line <= heredoc.bodyRange.end.line; line++) {
      scanText(lineText(model, line), (s, e) => ({
        start: { line, character: s }, end: { line, character: e },
      }));
    }
  }
  return refs;
}

/** The delimiter name in `<<NAME` (quotes excluded) and in the terminator line, when both are
 *  written plainly (a partly quoted or escaped name like `E"O"F` is left out). */
function heredocDelimiters(model: DockerfileModel, heredoc: Heredoc): { opening: Range; closing: Range } | undefined {
  const { nameRange, endRange, name } = heredoc;
  if (!endRange || nameRange.start.line !== nameRange.end.line) return undefined;
  const written = lineText(model, nameRange.start.line).slice(nameRange.start.character, nameRange.end.character);
  const quote = written !== name ? 1 : 0;
  if (quote === 1 && written !== `"${name}"` && written !== `'${name}'`) return undefined;
  const terminator = lineText(model, endRange.start.line);
  const at = terminator.indexOf(name, endRange.start.character);
  if (at < 0) return undefined;
  const line = nameRange.start.line;
  return {
    opening: { start: { line, character: nameRange.start.character + quote }, end: { line, character: nameRange.end.character - quote } },
    closing: { start: { line: endRange.start.line, character: at }, end: { line: endRange.start.line, character: at + name.length } },
  };
}

/** Union-find over string keys: which scoped names denote one variable. */
class UnionFind {
  private readonly parent = new Map<string, string>();

  find(key: string): string {
    let root = key;
    for (let p = this.parent.get(root); p !== undefined && p !== root; p = this.parent.get(root)) root = p;
    return root;
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}
