// textDocument/completion, by cursor context: instruction keywords (snippets) only where an
// instruction may start; flags valid for the instruction and their values (mount types and keys,
// network and security modes, booleans, platforms); stage names after `--from=`, `from=` and in
// FROM (earlier stages only); variables after `$`/`${` visible at that point, with their values;
// ARG names (predefined and global); parser directives and `check` options with rule names;
// HEALTHCHECK modes; STOPSIGNAL signals; WORKDIR paths used before; image names the client sent.
import {
  Command, CompletionItemKind, InsertTextFormat, MarkupKind,
  type CompletionItem, type Position, type Range,
} from 'vscode-languageserver';
import type { DockerfileModel, Instruction } from '../../engine/dockerfile';
import { BUILDKIT_ARGS, PLATFORM_ARGS, PREDEFINED_ARGS } from '../../engine/dockerfile/expand';
import { rules } from '../../engine/dockerfile/lint';
import {
  DIRECTIVES, INSTRUCTION_NAMES, MOUNT_TYPES, SIGNALS, instructionSpec, mountKeySpec, mountTypeSpec, type FlagSpec,
} from '../../engine/dockerfile/spec';
import { cursorContext, type CursorContext } from './cursorContext';
import { describeValue, flagDoc } from './describe';
import { comparePositions, lineText } from './positions';
import { scopeModel } from './scopes';

export const completionTriggerCharacters = ['$', '{', '-', '=', ',', ' ', '#'];

export interface CompletionOptions {
  /** The client accepts snippet syntax in insert texts. */
  snippets: boolean;
  /** Image names the client pushed with `dockwright/images`. */
  images: readonly string[];
}

const retrigger = Command.create('Suggest', 'editor.action.triggerSuggest');
const PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/arm/v6', 'linux/386', 'linux/ppc64le', 'linux/s390x', 'linux/riscv64', 'windows/amd64'];

const SNIPPETS: Record<string, string[]> = {
  FROM: ['FROM ${1:image}', 'FROM ${1:image} AS ${2:name}'],
  RUN: ['RUN ${1:command}'],
  CMD: ['CMD [ "${1:executable}" ]'],
  ENTRYPOINT: ['ENTRYPOINT [ "${1:executable}" ]'],
  COPY: ['COPY ${1:source} ${2:destination}'],
  ADD: ['ADD ${1:source} ${2:destination}'],
  ENV: ['ENV ${1:name}=${2:value}'],
  ARG: ['ARG ${1:name}'],
  LABEL: ['LABEL ${1:key}=${2:value}'],
  EXPOSE: ['EXPOSE ${1:port}'],
  WORKDIR: ['WORKDIR ${1:/path}'],
  USER: ['USER ${1:user}'],
  VOLUME: ['VOLUME [ "${1:/data}" ]'],
  HEALTHCHECK: ['HEALTHCHECK --interval=${1:30s} --timeout=${2:30s} CMD ${3:command}', 'HEALTHCHECK NONE'],
  SHELL: ['SHELL [ "${1:/bin/sh}", "-c" ]'],
  STOPSIGNAL: ['STOPSIGNAL ${1:SIGTERM}'],
  ONBUILD: ['ONBUILD ${1:instruction}'],
};

export function completion(model: DockerfileModel, position: Position, options: CompletionOptions): CompletionItem[] {
  const context = cursorContext(model, position);
  switch (context.kind) {
    case 'keyword':
      return keywordItems(model, context, position, options);
    case 'comment':
      return commentItems(model, context.before, position);
    case 'heredoc':
      return variableItemsFor(model, context.before, position) ?? [];
    case 'arguments':
      return variableItemsFor(model, context.typed, position) ?? argumentItems(model, context, position, options);
    default:
      return [];
  }
}

function replace(start: Position, end: Position): Range {
  return { start, end };
}

// ---------- keywords ----------

function keywordItems(model: DockerfileModel, context: Extract<CursorContext, { kind: 'keyword' }>, position: Position, options: CompletionOptions): CompletionItem[] {
  const firstFrom = model.stages[0]?.from.keywordRange.start;
  const beforeFirstFrom = !firstFrom || comparePositions(position, firstFrom) <= 0;
  // Replace the whole keyword under the cursor (`RU|N` → `RUN`, not `RUNN`).
  const rest = /^[A-Za-z]*/.exec(lineText(model, position.line).slice(position.character))![0];
  const range = replace(context.start, { line: position.line, character: position.character + rest.length });
  const names = INSTRUCTION_NAMES.filter((name) => {
    if (name === 'MAINTAINER') return false;
    if (context.onbuild) return name !== 'ONBUILD' && name !== 'FROM' && instructionSpec(name)?.onbuild !== false;
    return !beforeFirstFrom || name === 'FROM' || name === 'ARG';
  });
  const items: CompletionItem[] = [];
  for (const name of names) {
    const spec = instructionSpec(name)!;
    const documentation = { kind: MarkupKind.Markdown, value: `${spec.doc}\n\n[Reference](${spec.link})` };
    const bodies = options.snippets ? SNIPPETS[name] ?? [name] : [name];
    bodies.forEach((body, i) => {
      items.push({
        label: options.snippets ? body.replace(/\$\{\d+:([^}]*)\}/g, '$1') : name,
        filterText: name,
        kind: CompletionItemKind.Keyword,
        detail: spec.usage[0],
        documentation,
        sortText: `${name}${i}`,
        insertTextFormat: options.snippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
        textEdit: { range, newText: options.snippets ? body : `${name} ` },
      });
    });
  }
  return items;
}

// ---------- comments: parser directives and check= ----------

function commentItems(model: DockerfileModel, before: string, position: Position): CompletionItem[] {
  const at = (typed: string) => replace({ line: position.line, character: position.character - typed.length }, position);
  const directiveRegion = inDirectiveRegion(model, position.line);
  const check = /^\s*#\s*check\s*=(.*)$/i.exec(before);
  if (check) return checkItems(check[1], at);
  const value = /^\s*#\s*(syntax|escape)\s*=\s*(\S*)$/i.exec(before);
  if (value && directiveRegion) {
    const spec = DIRECTIVES.find((d) => d.name === value[1].toLowerCase())!;
    return (spec.values ?? []).map((v) => ({ label: v, kind: CompletionItemKind.Value, textEdit: { range: at(value[2]), newText: v } }));
  }
  const name = /^\s*#\s*([A-Za-z]*)$/.exec(before);
  if (!name) return [];
  if (!directiveRegion) {
    // Outside the header only the per-instruction `# check=skip=` makes sense, and only once typed.
    if (name[1] === '' || !'check'.startsWith(name[1].toLowerCase())) return [];
    return [{ label: 'check=skip=', kind: CompletionItemKind.Keyword, detail: 'Skip build checks for the next instruction', textEdit: { range: at(name[1]), newText: 'check=skip=' }, command: retrigger }];
  }
  const present = new Set(model.directives.filter((d) => d.range.start.line !== position.line).map((d) => d.name));
  return DIRECTIVES.filter((d) => !present.has(d.name)).map((d) => ({
    label: `${d.name}=`,
    kind: CompletionItemKind.Keyword,
    documentation: { kind: MarkupKind.Markdown, value: `${d.doc}\n\n[Reference](${d.link})` },
    textEdit: { range: at(name[1]), newText: `${d.name}=` },
    command: retrigger,
  }));
}

/** Parser directives are read only on the first lines, before any comment, blank line or instruction. */
function inDirectiveRegion(model: DockerfileModel, line: number): boolean {
  const directiveLines = new Set(model.directives.map((d) => d.range.start.line));
  for (let l = 0; l < line; l++) if (!directiveLines.has(l)) return false;
  return true;
}

function checkItems(options: string, at: (typed: string) => Range): CompletionItem[] {
  const part = options.split(';').pop()!.trimStart();
  const eq = part.indexOf('=');
  if (eq < 0) {
    return ['skip=', 'error=', 'experimental='].map((key) => ({ label: key, kind: CompletionItemKind.Property, textEdit: { range: at(part), newText: key }, command: retrigger }));
  }
  const key = part.slice(0, eq).trim();
  const value = part.slice(eq + 1);
  if (key === 'error') {
    return ['true', 'false'].map((v) => ({ label: v, kind: CompletionItemKind.Value, textEdit: { range: at(value), newText: v } }));
  }
  if (key !== 'skip' && key !== 'experimental') return [];
  const names = value.split(',');
  const typed = names.pop()!.trimStart();
  const listed = new Set(names.map((n) => n.trim()));
  const experimental = key === 'experimental';
  const items: CompletionItem[] = rules
    .filter((r) => r.ruleClass === 'check' && (r.experimental === true) === experimental && !listed.has(r.code))
    .map((r) => ({ label: r.code, kind: CompletionItemKind.EnumMember, detail: r.description, textEdit: { range: at(typed), newText: r.code } }));
  if (names.length === 0) items.push({ label: 'all', kind: CompletionItemKind.Constant, textEdit: { range: at(typed), newText: 'all' } });
  return items;
}

// ---------- variables ----------

/** Variable items when the text before the cursor ends in `$name` or `${name`, else undefined. */
function variableItemsFor(model: DockerfileModel, before: string, position: Position): CompletionItem[] | undefined {
  const m = /(^|[^$])\$(\{?)([A-Za-z0-9_]*)$/.exec(before);
  if (!m) return undefined;
  const dollar = before.length - m[3].length - m[2].length - 1;
  if (dollar > 0 && before[dollar - 1] === model.escapeChar) return undefined;
  if ((before.slice(0, dollar).split("'").length - 1) % 2 === 1) return undefined; // inside single quotes
  const braced = m[2] === '{';
  const closeBrace = braced && lineText(model, position.line)[position.character] !== '}';
  const range = replace({ line: position.line, character: position.character - m[3].length }, position);
  const scope = scopeModel(model).scopeAt(position);
  const docs = new Map(PREDEFINED_ARGS.map((p) => [p.name, p.doc]));
  return [...scope.vars.values()].map((v) => ({
    label: v.name,
    kind: v.kind === 'env' ? CompletionItemKind.Constant : CompletionItemKind.Variable,
    detail: describeValue(v),
    documentation: docs.get(v.name),
    sortText: `${v.kind === 'predefined' ? '1' : '0'}${v.name}`,
    textEdit: { range, newText: closeBrace ? `${v.name}}` : v.name },
  }));
}

// ---------- arguments ----------

function argumentItems(model: DockerfileModel, context: Extract<CursorContext, { kind: 'arguments' }>, position: Position, options: CompletionOptions): CompletionItem[] {
  const { instruction, keyword, words, typed } = context;
  const spec = instructionSpec(keyword);
  const leadingFlags = words.findIndex((w) => !w.startsWith('--'));
  const inFlags = leadingFlags < 0;
  const argIndex = inFlags ? 0 : words.length - leadingFlags;
  const range = replace(context.start, position);
  const items: CompletionItem[] = [];

  if (inFlags && spec && (typed === '' || typed.startsWith('-'))) {
    const eq = typed.indexOf('=');
    if (eq < 0) items.push(...flagItems(spec.flags, words, range));
    else {
      const flag = spec.flags.find((f) => f.name === typed.slice(2, eq));
      const valueStart = { line: position.line, character: context.start.character + eq + 1 };
      return flag ? flagValueItems(model, instruction, flag, typed.slice(eq + 1), valueStart, position) : [];
    }
    if (typed !== '') return items;
  }
  if (argIndex === 0) {
    switch (keyword) {
      case 'FROM':
        items.push(...stageItems(model, instruction, range));
        items.push({ label: 'scratch', kind: CompletionItemKind.Keyword, detail: 'An empty base image', textEdit: { range, newText: 'scratch' } });
        items.push(...options.images.map((image) => ({ label: image, kind: CompletionItemKind.Reference, detail: 'image', textEdit: { range, newText: image } })));
        break;
      case 'HEALTHCHECK':
        items.push(
          { label: 'CMD', kind: CompletionItemKind.Keyword, detail: 'The command that checks the container', textEdit: { range, newText: 'CMD ' } },
          { label: 'NONE', kind: CompletionItemKind.Keyword, detail: 'Disable any health check inherited from the base image', textEdit: { range, newText: 'NONE' } },
        );
        break;
      case 'STOPSIGNAL':
        items.push(...SIGNALS.map((s) => ({ label: s, kind: CompletionItemKind.EnumMember, textEdit: { range, newText: s } })));
        break;
      case 'WORKDIR':
        items.push(...workdirItems(model, instruction, range));
        break;
    }
  }
  if (keyword === 'FROM' && argIndex === 1) {
    items.push({ label: 'AS', kind: CompletionItemKind.Keyword, detail: 'Name this build stage', textEdit: { range, newText: 'AS ' } });
  }
  if (keyword === 'ARG' && !typed.includes('=')) items.push(...argNameItems(model, range));
  return items;
}

function flagItems(flags: readonly FlagSpec[], words: readonly string[], range: Range): CompletionItem[] {
  const used = new Set(words.map((w) => w.slice(2).split('=')[0]));
  return flags.filter((f) => f.repeatable || !used.has(f.name)).map((f) => ({
    label: `--${f.name}`,
    kind: CompletionItemKind.Property,
    detail: f.minSyntax ? `${f.type} (dockerfile ${f.minSyntax}+)` : f.type,
    documentation: { kind: MarkupKind.Markdown, value: flagDoc(f) },
    textEdit: { range, newText: f.type === 'bool' ? `--${f.name}` : `--${f.name}=` },
    command: f.type === 'bool' ? undefined : retrigger,
  }));
}

function flagValueItems(model: DockerfileModel, instruction: Instruction, flag: FlagSpec, value: string, valueStart: Position, position: Position): CompletionItem[] {
  const range = replace(valueStart, position);
  const values = (list: readonly string[], kind: CompletionItemKind = CompletionItemKind.EnumMember) =>
    list.map((v) => ({ label: v, kind, textEdit: { range, newText: v } }));
  switch (flag.type) {
    case 'enum':
      return values(flag.values ?? []);
    case 'bool':
      return values(['true', 'false'], CompletionItemKind.Value);
    case 'stage':
      return stageItems(model, instruction, range);
    case 'platform': // `$TARGETPLATFORM` is the default already (RedundantTargetPlatform)
      return values(['$BUILDPLATFORM', ...PLATFORMS], CompletionItemKind.Value);
    case 'keyvalue':
      return flag.name === 'mount' ? mountItems(model, instruction, value, position) : [];
    default:
      return [];
  }
}

/** `--mount=type=cache,target=/x,sh|`: keys of the mount type not used yet, or values of a key. */
function mountItems(model: DockerfileModel, instruction: Instruction, value: string, position: Position): CompletionItem[] {
  const segments = value.split(',');
  const last = segments.pop()!;
  const pairs = segments.map((s) => s.split('=')).map(([k, v]) => [k.trim().toLowerCase(), v ?? ''] as const);
  const type = pairs.find(([k]) => k === 'type')?.[1] ?? 'bind';
  const eq = last.indexOf('=');
  if (eq < 0) {
    const range = replace({ line: position.line, character: position.character - last.length }, position);
    const used = new Set(pairs.map(([k]) => mountKeySpec(type, k)?.name ?? k));
    return (mountTypeSpec(type)?.keys ?? []).filter((k) => !used.has(k.name)).map((k) => ({
      label: k.name,
      kind: CompletionItemKind.Property,
      detail: k.aliases ? `also: ${k.aliases.join(', ')}` : undefined,
      documentation: { kind: MarkupKind.Markdown, value: k.default ? `${k.doc}\n\nDefault: \`${k.default}\`` : k.doc },
      textEdit: { range, newText: `${k.name}=` },
      command: retrigger,
    }));
  }
  const key = last.slice(0, eq).trim().toLowerCase();
  const range = replace({ line: position.line, character: position.character - (last.length - eq - 1) }, position);
  if (key === 'type') {
    return MOUNT_TYPES.map((m) => ({ label: m.type, kind: CompletionItemKind.EnumMember, documentation: m.doc, textEdit: { range, newText: m.type } }));
  }
  const spec = mountKeySpec(type, key);
  if (!spec) return [];
  if (spec.type === 'stage') return stageItems(model, instruction, range);
  const list = spec.type === 'enum' ? spec.values ?? [] : spec.type === 'bool' ? ['true', 'false'] : [];
  return list.map((v) => ({ label: v, kind: CompletionItemKind.EnumMember, textEdit: { range, newText: v } }));
}

/** Named stages before the instruction's own stage (a stage may only use earlier ones). */
function stageItems(model: DockerfileModel, instruction: Instruction, range: Range): CompletionItem[] {
  const current = instruction.stageIndex < 0 ? model.stages.length : instruction.stageIndex;
  return model.stages.filter((s) => s.index < current && s.nameText).map((s) => ({
    label: s.nameText!,
    kind: CompletionItemKind.Module,
    detail: `stage ${s.index}: FROM ${s.from.image?.text ?? ''}`.trim(),
    sortText: `0${s.nameText}`,
    textEdit: { range, newText: s.nameText! },
  }));
}

function workdirItems(model: DockerfileModel, instruction: Instruction, range: Range): CompletionItem[] {
  const seen = new Set<string>();
  for (const i of model.instructions) {
    if (i === instruction || comparePositions(i.range.start, instruction.range.start) > 0) break;
    if (i.kind === 'WORKDIR' && i.args[0]) seen.add(i.args[0].text);
  }
  return [...seen].map((path) => ({ label: path, kind: CompletionItemKind.Folder, detail: 'used before', textEdit: { range, newText: path } }));
}

/** Names worth declaring with ARG: global ARGs (to use them in a stage) and predefined ARGs. */
function argNameItems(model: DockerfileModel, range: Range): CompletionItem[] {
  const items = new Map<string, CompletionItem>();
  for (const arg of model.globalArgs) {
    for (const pair of arg.pairs) {
      items.set(pair.key, { label: pair.key, kind: CompletionItemKind.Variable, detail: 'global ARG', textEdit: { range, newText: pair.key }, sortText: `0${pair.key}` });
    }
  }
  for (const p of [...PLATFORM_ARGS, ...BUILDKIT_ARGS]) {
    if (!items.has(p.name)) {
      items.set(p.name, {
        label: p.name, kind: CompletionItemKind.Variable, detail: 'predefined ARG', documentation: p.doc,
        textEdit: { range, newText: p.name }, sortText: `1${p.name}`,
      });
    }
  }
  return [...items.values()];
}

