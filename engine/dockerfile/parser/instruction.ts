/**
 * From one logical line to a typed instruction (BuildKit's newNodeFromLine + the per-instruction
 * argument parsers of parser/line_parsers.go), keeping a range on every token.
 */
import type {
  ExposedPort, Flag, Instruction, JsonArray, KeyValuePair, Mount, OnbuildInstruction, ParseProblem, Word,
} from '../model';
import { wordOffsetAt } from '../wordRange';
import type { LineIndex } from './lineIndex';
import type { LogicalLine } from './logical';
import { NONE, append } from './lists';
import { FlagNode, InstructionNode, MountOptionNode } from './nodes';
import { ProblemCode } from './problems';
import { instructionSpec } from '../spec/instructions';
import {
  isSpace, isFieldSpace, parseWords, scanFlagWord, scanJsonArray, skipSpaces, trimEnd, unquoteFlagText,
} from './words';

export interface InstructionContext {
  line: LogicalLine;
  escape: number;
  problems: ParseProblem[];
}

/** Parse the instruction that starts at logical index `from` (ONBUILD recurses with its rest). */
export function parseInstruction(ctx: InstructionContext, from: number, parent?: OnbuildInstruction): Instruction {
  const { line } = ctx;
  const t = line.text;
  const end = trimEnd(t, from);
  const ks = skipSpaces(t, from, end);
  let ke = ks;
  while (ke < end && !isFieldSpace(t.charCodeAt(ke))) ke++;
  const keywordText = t.slice(ks, ke);
  const spec = instructionSpec(keywordText);
  // The spec's keyword string is shared by every instruction of a kind (and by keywordText when
  // written in upper case): a big file has thousands of them.
  const keyword = spec ? spec.name : keywordText.toUpperCase();
  const kind = spec ? keyword : 'UNKNOWN';

  let flags: Flag[] = NONE;
  let mounts: Mount[] = NONE;
  let p = skipSpaces(t, ke, end);
  while (p + 1 < end && t.charCodeAt(p) === 45 && t.charCodeAt(p + 1) === 45) {
    const we = scanFlagWord(t, p, end);
    if (we - p === 2) {
      p = we;
      break;
    }
    const flag = makeFlag(line, p, we);
    flags = append(flags, flag);
    if (kind === 'RUN' && flag.name === 'mount') {
      mounts = append(mounts, parseMount(line, flag, flag.valueText === undefined ? -1 : we - flag.valueText.length));
    }
    p = skipSpaces(t, we, end);
  }
  const argsStart = skipSpaces(t, p, end);
  const argsText = t.slice(argsStart, end);
  const node = new InstructionNode(
    line.index, line.startOffset(ks), line.spanEnd(ks, ke), argsText ? line.startOffset(argsStart) : -1, line.spanEnd(ks, end),
    kind, keyword, keywordText === keyword ? keyword : keywordText, argsText,
  );
  node.flags = flags;
  if (parent) node.parent = parent;
  const inst = node as unknown as Instruction;

  switch (inst.kind) {
    case 'RUN':
    case 'CMD':
    case 'ENTRYPOINT':
    case 'SHELL': {
      const exec = argsText ? execForm(ctx, argsStart, end) : undefined;
      inst.json = exec?.json;
      inst.args = exec ? exec.words : wholeWord(line, argsText, argsStart, end);
      if (inst.kind === 'RUN') {
        inst.mounts = mounts;
        inst.network = flags.find((f) => f.name === 'network');
        inst.security = flags.find((f) => f.name === 'security');
      }
      break;
    }
    case 'COPY':
    case 'ADD':
    case 'VOLUME': {
      const exec = argsText ? execForm(ctx, argsStart, end) : undefined;
      inst.json = exec?.json;
      inst.args = exec ? exec.words : fieldWords(line, argsStart, end);
      if (inst.kind === 'COPY' || inst.kind === 'ADD') {
        inst.sources = inst.args.length > 1 ? inst.args.slice(0, -1) : inst.args.slice();
        inst.dest = inst.args.length > 1 ? inst.args[inst.args.length - 1] : undefined;
        inst.from = flags.find((f) => f.name === 'from');
      }
      break;
    }
    case 'FROM': {
      inst.args = fieldWords(line, argsStart, end);
      inst.image = inst.args[0];
      inst.asKeyword = inst.args[1];
      inst.stageName = inst.args[2];
      inst.platform = flags.find((f) => f.name === 'platform');
      break;
    }
    case 'EXPOSE': {
      inst.args = fieldWords(line, argsStart, end);
      inst.ports = inst.args.map((w) => exposedPort(line.index, w));
      break;
    }
    case 'USER':
    case 'WORKDIR':
    case 'STOPSIGNAL':
    case 'MAINTAINER':
      inst.args = wholeWord(line, argsText, argsStart, end);
      break;
    case 'ENV':
    case 'LABEL':
    case 'ARG': {
      const spans = parseWords(t, argsStart, end, ctx.escape);
      inst.args = spans.map((s) => line.word(s.start, s.end));
      inst.legacy = false;
      inst.pairs = NONE;
      if (inst.kind !== 'ARG' && spans.length > 0 && !t.slice(spans[0].start, spans[0].end).includes('=')) {
        // Legacy `ENV key value`: the value is the rest of the line.
        let ke2 = argsStart;
        while (ke2 < end && !isFieldSpace(t.charCodeAt(ke2))) ke2++;
        const vs = skipSpaces(t, ke2, end);
        inst.legacy = true;
        if (vs >= end) {
          ctx.problems.push({
            code: ProblemCode.ParseError,
            message: `${inst.kind} must have two arguments`,
            range: inst.range,
            severity: 'error',
          });
        }
        inst.pairs = [{
          key: t.slice(argsStart, ke2),
          keyRange: line.range(argsStart, ke2),
          value: vs < end ? line.word(vs, end) : undefined,
          range: line.range(argsStart, end),
        }];
        break;
      }
      for (const s of spans) {
        let eq = s.start;
        while (eq < s.end && t.charCodeAt(eq) !== 61) eq++;
        const hasEq = eq < s.end;
        if (!hasEq && inst.kind !== 'ARG') {
          ctx.problems.push({
            code: ProblemCode.ParseError,
            message: `Syntax error - can't find = in "${t.slice(s.start, s.end)}". Must be of the form: name=value`,
            range: line.range(s.start, s.end),
            severity: 'error',
          });
          continue;
        }
        const keyEnd = hasEq ? eq : s.end;
        if (keyEnd === s.start) {
          ctx.problems.push({
            code: ProblemCode.ParseError,
            message: `${inst.kind} names can not be blank`,
            range: line.range(s.start, s.end),
            severity: 'error',
          });
        }
        const pair: KeyValuePair = { key: t.slice(s.start, keyEnd), keyRange: line.range(s.start, keyEnd), range: line.range(s.start, s.end) };
        if (hasEq) pair.value = line.word(eq + 1, s.end);
        inst.pairs = append(inst.pairs, pair);
      }
      break;
    }
    case 'HEALTHCHECK': {
      let sep = argsStart;
      while (sep < end && !isSpace(t.charCodeAt(sep))) sep++;
      if (sep > argsStart) {
        inst.modeWord = line.word(argsStart, sep);
        inst.mode = inst.modeWord.text.toUpperCase();
        inst.args = [inst.modeWord];
        const next = skipSpaces(t, sep, end);
        if (next < end) {
          const exec = execForm(ctx, next, end);
          inst.json = exec?.json;
          if (exec) inst.args.push(...exec.words);
          else {
            inst.command = line.word(next, end);
            inst.args.push(inst.command);
          }
        }
      }
      break;
    }
    case 'ONBUILD': {
      inst.args = wholeWord(line, argsText, argsStart, end);
      if (argsText) inst.trigger = parseInstruction(ctx, argsStart, inst);
      break;
    }
    default:
      inst.args = fieldWords(line, argsStart, end);
  }
  return inst;
}

// Module functions rather than closures created per instruction: the bundle keeps function names
// (esbuild keepNames), which makes creating a named closure costly.
/** Reused by fieldWords: the words are gathered here, then copied into an array of their exact length. */
const scratch: Word[] = [];

/** The whitespace-separated fields of [start, end) as words (BuildKit's `reWhitespace.Split`, empty fields dropped). */
function fieldWords(line: LogicalLine, start: number, end: number): Word[] {
  const t = line.text;
  scratch.length = 0;
  let p = start;
  while (p < end) {
    while (p < end && isFieldSpace(t.charCodeAt(p))) p++;
    if (p >= end) break;
    const s = p;
    while (p < end && !isFieldSpace(t.charCodeAt(p))) p++;
    scratch.push(line.word(s, p));
  }
  return scratch.length === 0 ? NONE : scratch.slice();
}

function wholeWord(line: LogicalLine, argsText: string, start: number, end: number): Word[] {
  return argsText ? [line.word(start, end)] : [];
}

/** Exec form: the JSON array and one word per element (text = decoded value), or undefined. */
function execForm(ctx: InstructionContext, start: number, end: number): { json: JsonArray; words: Word[] } | undefined {
  const { line } = ctx;
  const scan = scanJsonArray(line.text, start, end);
  if (scan === 'not-strings') {
    ctx.problems.push({
      code: ProblemCode.JsonNotStringArray,
      message: 'when using JSON array syntax, arrays must be comprised of strings only',
      range: line.range(start, end),
      severity: 'error',
    });
    return undefined;
  }
  if (!scan) return undefined;
  const words = scan.elements.map((e) => line.word(e.start, e.end, e.value));
  return {
    json: { range: line.range(scan.start, scan.end), elements: words.map((w) => ({ value: w.text, range: w.range })) },
    words,
  };
}

function makeFlag(line: LogicalLine, start: number, end: number): Flag {
  const t = line.text;
  let eq = -1;
  for (let p = start + 2; p < end; p++) {
    if (t.charCodeAt(p) === 61) {
      eq = p;
      break;
    }
  }
  const nameEnd = eq === -1 ? end : eq;
  const flag = new FlagNode(
    line.index, line.startOffset(start), line.startOffset(start + 2), line.spanEnd(start + 2, nameEnd),
    eq === -1 ? -1 : line.startOffset(eq + 1), line.spanEnd(start, end),
  );
  flag.name = unquoteFlagText(t, start + 2, nameEnd);
  if (eq !== -1) {
    flag.value = unquoteFlagText(t, eq + 1, end);
    flag.valueText = t.slice(eq + 1, end);
  }
  return flag;
}

/** `--mount=type=cache,target=/x,ro`: CSV fields of `key[=value]`, keys lowercased. */
function parseMount(line: LogicalLine, flag: Flag, base: number): Mount {
  const mount: Mount = { flag, type: 'bind', options: NONE };
  const text = flag.valueText;
  if (text === undefined || base < 0) return mount;
  let p = 0;
  while (p <= text.length) {
    let q = p;
    let quote = 0;
    for (; q < text.length; q++) {
      const c = text.charCodeAt(q);
      if (quote) {
        if (c === quote) quote = 0;
      } else if (c === 34 || c === 39) quote = c;
      else if (c === 44) break;
    }
    if (q > p) {
      let keyEnd = p;
      while (keyEnd < q && text.charCodeAt(keyEnd) !== 61) keyEnd++;
      const hasValue = keyEnd < q;
      const opt = new MountOptionNode(
        line.index, line.startOffset(base + p), line.startOffset(base + p), line.spanEnd(base + p, base + keyEnd),
        hasValue ? line.startOffset(base + keyEnd + 1) : -1, line.spanEnd(base + p, base + q),
      );
      opt.key = text.slice(p, keyEnd).trim().toLowerCase();
      if (hasValue) opt.value = unquoteFlagText(text, keyEnd + 1, q);
      mount.options = append(mount.options, opt);
      if (opt.key === 'type' && opt.value !== undefined) {
        mount.type = opt.value.toLowerCase();
        mount.typeRange = opt.valueRange;
      }
    }
    p = q + 1;
  }
  return mount;
}

function exposedPort(index: LineIndex, w: Word): ExposedPort {
  const slash = w.text.indexOf('/');
  const portEnd = slash === -1 ? w.text.length : slash;
  const port: ExposedPort = { word: w, port: w.text.slice(0, portEnd), portRange: index.range(w.start, portEnd === 0 ? w.start : wordOffsetAt(w, portEnd - 1) + 1) };
  if (slash !== -1) {
    port.protocol = w.text.slice(slash + 1);
    port.protocolRange = index.range(slash + 1 < w.text.length ? wordOffsetAt(w, slash + 1) : w.end, w.end);
  }
  return port;
}
