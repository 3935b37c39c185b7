/**
 * A light reading of RUN scripts for the best-practice rules: the script text (shell form, exec
 * form or heredoc bodies) split into simple commands and words. Not a full shell parser — the rules
 * only look at command names and flags, and stay silent when unsure.
 */
import type { Instruction, RunInstruction, Stage } from '../model';

export interface ShellCommand {
  /** Words with simple quotes removed; `words[0]` is the command name (after `sudo`/env assignments are kept). */
  words: string[];
}

/** The shell script a RUN executes (heredoc bodies with a non-sh shebang are left out). */
export function runScript(run: Instruction): string {
  if (run.json) return run.json.elements.map((e) => e.value).join(' ');
  let script = run.argsText;
  for (const heredoc of run.heredocs) {
    const shebang = /^#!\s*(\S+)/.exec(heredoc.content)?.[1];
    if (shebang && !/(^|\/)(ba|da|a|z|k)?sh$|\/env$/.test(shebang)) continue;
    script += '\n' + heredoc.content;
  }
  return script;
}

/** Splits a script into simple commands at `;`, `&&`, `||`, `|`, `&`, newlines and parentheses. */
export function shellCommands(script: string): ShellCommand[] {
  // Plain state and module functions rather than closures per script (the bundle keeps function
  // names, which makes creating a named closure costly).
  const st: SplitState = { commands: [], words: [], word: '', inWord: false };
  const n = script.length;
  for (let i = 0; i < n; i++) {
    const c = script[i];
    if (c === ' ' || c === '\t' || c === '\r') endWord(st);
    else if (c === ';' || c === '&' || c === '|' || c === '\n' || c === '(' || c === ')') endCommand(st);
    else if (c === '#' && !st.inWord) {
      while (i + 1 < n && script[i + 1] !== '\n') i++;
    } else if (c === "'" || c === '"') {
      // Quoted text joins the current word, quotes removed.
      let end = i + 1;
      while (end < n && script[end] !== c) end += c === '"' && script[end] === '\\' ? 2 : 1;
      end = Math.min(end, n);
      st.word += c === '"' ? script.slice(i + 1, end).replace(BACKSLASH_ESCAPE, '$1') : script.slice(i + 1, end);
      st.inWord = true;
      i = end;
    } else if (c === '\\') {
      if (i + 1 < n && script[i + 1] !== '\n') st.word += script[i + 1];
      st.inWord ||= script[i + 1] !== '\n';
      i++;
    } else {
      // A run of plain characters.
      let j = i + 1;
      while (j < n && !STOP[script.charCodeAt(j)]) j++;
      st.word += script.slice(i, j);
      st.inWord = true;
      i = j - 1;
    }
  }
  endCommand(st);
  return st.commands;
}

interface SplitState {
  commands: ShellCommand[];
  words: string[];
  word: string;
  inWord: boolean;
}

function endWord(st: SplitState): void {
  if (st.inWord) st.words.push(st.word);
  st.word = '';
  st.inWord = false;
}

function endCommand(st: SplitState): void {
  endWord(st);
  // st.words is reused for every command: each command gets an exact-size copy without its prefix.
  if (st.words.length > 0) st.commands.push({ words: st.words.slice(prefixLength(st.words)) });
  st.words.length = 0;
}

// Module-level regexes and lists: a literal inside a function is a new object on every call.
const BACKSLASH_ESCAPE = /\\(.)/g;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const PREFIX_WORDS = new Set(['sudo', 'command', 'exec', 'time', 'nice', 'then', 'do', 'else', '{', '!']);
const SHORT_FLAGS = /^-[A-Za-z]+$/;
const TARGET_KEYS = new Set(['target', 'dst', 'destination']);
const TRAILING_SLASHES = /\/+$/;

/** Characters that end a run of plain word characters (indexed by char code). */
const STOP: boolean[] = [];
for (const c of ' \t\r;&|\n()\'"\\') STOP[c.charCodeAt(0)] = true;

/** How many words in front of the command name are env assignments, `sudo`, `command`, `exec`, `time`, `nice`, ... */
function prefixLength(words: string[]): number {
  let i = 0;
  while (i < words.length && (ASSIGNMENT.test(words[i]) || PREFIX_WORDS.has(words[i]))) i++;
  return i;
}

/** `apt-get install ...`-style commands: the name (or any of names) followed by the subcommand. */
export function commandsWith(commands: ShellCommand[], names: string[], subcommand?: string): ShellCommand[] {
  return commands.filter((c) => names.includes(c.words[0]) && (subcommand === undefined || c.words.indexOf(subcommand, 1) !== -1));
}

/** Does the command carry one of the flags (also as part of combined short flags like `-yq`)? */
export function hasFlag(command: ShellCommand, long: string[], short: string[] = []): boolean {
  return command.words.some((w) => long.some((l) => w === l || (w.startsWith(l) && w.charCodeAt(l.length) === 61 /* = */))
    || (short.length > 0 && SHORT_FLAGS.test(w) && short.some((s) => w.includes(s))));
}

/** Targets of `RUN --mount=type=cache|tmpfs` on this RUN. */
export function cacheMountTargets(run: RunInstruction): string[] {
  return run.mounts
    .filter((m) => m.type === 'cache' || m.type === 'tmpfs')
    .map((m) => m.options.find((o) => TARGET_KEYS.has(o.key))?.value ?? '')
    .filter((t) => t !== '')
    .map((t) => t.replace(TRAILING_SLASHES, ''));
}

/** ENV names set in the stage before the instruction (and in its local parent stages). */
export function envNamesBefore(stages: Stage[], stage: Stage, before: Instruction): Set<string> {
  const names = new Set<string>();
  const seen = new Set<number>();
  let current: Stage | undefined = stage;
  let limit: Instruction | undefined = before;
  while (current && !seen.has(current.index)) {
    seen.add(current.index);
    for (const i of current.instructions) {
      if (i === limit) break;
      if (i.kind === 'ENV') for (const p of i.pairs) names.add(p.key);
    }
    limit = undefined;
    current = current.base.kind === 'stage' ? stages[current.base.stageIndex] : undefined;
  }
  return names;
}
