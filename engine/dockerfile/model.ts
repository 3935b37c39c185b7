/**
 * The Dockerfile model: the contract shared by the language server (server/), the lint rules
 * (engine/dockerfile/lint) and the builder (engine/build).
 *
 * Hand-written on purpose: this is the product's core. No library models Dockerfiles the way
 * BuildKit reads them (directives, heredocs, flags, JSON-vs-shell form, ARG scoping) while also
 * keeping a range on every token, so we follow BuildKit's frontend/dockerfile layering
 * (parser → typed instructions → shell-word lexer) and dockerfile-ast's "every value has its range".
 *
 * Positions and ranges use the LSP shape (0-based line, UTF-16 character) so the server passes
 * them through unchanged. Offsets are UTF-16 indexes into the document text.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** The escape token chosen by the `# escape=` directive (default backslash). */
export type EscapeChar = '\\' | '`';

export type ProblemSeverity = 'error' | 'warning';

/** A syntax-level problem found while parsing. The parser reports all of them, never throws. */
export interface ParseProblem {
  /** PascalCase id, e.g. `ParseError`, `UnterminatedHeredoc`, `InvalidEscapeDirective`. */
  code: string;
  message: string;
  range: Range;
  severity: ProblemSeverity;
}

/** A piece of source text. `text` is the logical text: line continuations (escape + newline),
 * comment lines and empty lines inside a continued instruction are removed, exactly as BuildKit
 * joins them. `range`/`start`/`end` cover the whole source span (document offsets). */
export interface Word {
  text: string;
  range: Range;
  start: number;
  end: number;
  /** Present only when the word spans a line continuation: maps logical text offsets to
   * document offsets (`textStart` in `text` starts at document offset `offset`). Use
   * `wordSubRange()` from the public API rather than reading it directly. */
  segments?: Segment[];
}

export interface Segment {
  textStart: number;
  offset: number;
}

/** `# name=value` at the top of the file (`syntax`, `escape`, `check`). */
export interface ParserDirective {
  /** Lowercase name. */
  name: string;
  /** Name as written. */
  nameText: string;
  nameRange: Range;
  value: string;
  valueRange: Range;
  range: Range;
}

export interface Comment {
  /** The text after `#`, trimmed. */
  text: string;
  /** The whole comment (from `#` to the end of line). */
  range: Range;
  /** True when the comment is a line inside a continued instruction (BuildKit drops it). */
  insideInstruction: boolean;
}

/** `--name=value` or `--name` (boolean). */
export interface Flag {
  /** Name without the leading dashes, as written. */
  name: string;
  nameRange: Range;
  /** Unquoted value (BuildKit removes quotes and escapes in flags); undefined for `--name`. */
  value?: string;
  /** Value as written (quotes kept); undefined for `--name`. */
  valueText?: string;
  valueRange?: Range;
  /** From the first `-` to the end of the value. */
  range: Range;
}

/** One element of an exec-form (JSON array) argument list. */
export interface JsonElement {
  /** Decoded string value. */
  value: string;
  /** Range including the quotes. */
  range: Range;
}

export interface JsonArray {
  elements: JsonElement[];
  /** From `[` to `]`. */
  range: Range;
}

export interface Heredoc {
  /** The delimiter word with quotes and escapes removed (e.g. `EOF`). */
  name: string;
  /** The `<<-"EOF"` token on the instruction line. */
  tokenRange: Range;
  /** The delimiter part of the token (after `<<` / `<<-`, quotes included). */
  nameRange: Range;
  /** `<<-`: leading tabs are stripped from body lines and the terminator. */
  stripTabs: boolean;
  /** Some part of the delimiter was quoted (`"EOF"`, `'EOF'`, `E"O"F`): the body is not expanded. Like BuildKit,
   * a backslash-escaped delimiter (`\EOF`) does not count. */
  quoted: boolean;
  /** File descriptor prefix (`3<<EOF`), if any. */
  fd?: number;
  /** Body as the build sees it: line breaks as written, leading tabs stripped for `<<-`. */
  content: string;
  /** Body lines as written (undefined when the body is empty). */
  bodyRange?: Range;
  /** The terminator line; undefined when the heredoc is unterminated. */
  endRange?: Range;
}

/** `key=value` (or legacy `key value`) in ENV / LABEL / ARG. */
export interface KeyValuePair {
  key: string;
  keyRange: Range;
  /** Raw value as written (quotes kept, not expanded); undefined for `ARG name`. */
  value?: Word;
  /** The whole `key=value` word. */
  range: Range;
}

export interface MountOption {
  /** Lowercase key. */
  key: string;
  keyRange: Range;
  value?: string;
  valueRange?: Range;
  range: Range;
}

export interface Mount {
  flag: Flag;
  /** `type=` value, or `bind` when absent. */
  type: string;
  typeRange?: Range;
  options: MountOption[];
}

export interface ExposedPort {
  word: Word;
  /** Text before `/` (may contain `$vars`, ranges `80-90`, or ip:host:container). */
  port: string;
  portRange: Range;
  protocol?: string;
  protocolRange?: Range;
}

export type InstructionKeyword =
  | 'ADD' | 'ARG' | 'CMD' | 'COPY' | 'ENTRYPOINT' | 'ENV' | 'EXPOSE' | 'FROM' | 'HEALTHCHECK'
  | 'LABEL' | 'MAINTAINER' | 'ONBUILD' | 'RUN' | 'SHELL' | 'STOPSIGNAL' | 'USER' | 'VOLUME' | 'WORKDIR';

interface InstructionBase {
  /** Uppercase keyword, or the uppercased unknown word for `kind: 'UNKNOWN'`. */
  keyword: string;
  /** Keyword as written (original casing). */
  keywordText: string;
  keywordRange: Range;
  /** From the keyword to the end of the last argument line (heredoc bodies excluded). */
  range: Range;
  /** Like `range` but including heredoc bodies and terminators. */
  fullRange: Range;
  flags: Flag[];
  /** Argument text after the flags, logical (continuations joined), trimmed; '' when none. */
  argsText: string;
  argsRange?: Range;
  /** Arguments split into words the way BuildKit splits them for this instruction (for exec
   * form: one word per JSON element, with the element's value as text). */
  args: Word[];
  /** Exec form: the JSON array; undefined for shell form. Like BuildKit, text after the first
   * JSON value is ignored (`CMD ["a"] x` is exec form `["a"]`). */
  json?: JsonArray;
  heredocs: Heredoc[];
  /** Each escape character that ends a physical line of this instruction. */
  continuations: Range[];
  /** Empty lines inside the continued instruction (BuildKit's NoEmptyContinuation). */
  emptyContinuationLines: Range[];
  /** Comment lines inside the continued instruction. */
  comments: Comment[];
  /** Index of the stage this instruction belongs to; -1 before the first FROM. */
  stageIndex: number;
  /** Position in `model.instructions` (an ONBUILD trigger has its ONBUILD's). */
  index: number;
  /** For the trigger of an ONBUILD: the ONBUILD instruction. */
  parent?: OnbuildInstruction;
}

export interface FromInstruction extends InstructionBase {
  kind: 'FROM';
  image?: Word;
  /** The `AS` word, any casing. */
  asKeyword?: Word;
  stageName?: Word;
  platform?: Flag;
}

export interface CopyInstruction extends InstructionBase {
  kind: 'COPY' | 'ADD';
  /** Sources (heredoc tokens `<<EOF` included, matched by name in `heredocs`). */
  sources: Word[];
  dest?: Word;
  from?: Flag;
}

export interface RunInstruction extends InstructionBase {
  kind: 'RUN';
  mounts: Mount[];
  network?: Flag;
  security?: Flag;
}

export interface HealthcheckInstruction extends InstructionBase {
  kind: 'HEALTHCHECK';
  /** Uppercased first word: 'NONE', 'CMD' or anything else written. */
  mode?: string;
  modeWord?: Word;
  /** CMD's command: shell text (args after CMD) or `json`. */
  command?: Word;
}

export interface ExposeInstruction extends InstructionBase {
  kind: 'EXPOSE';
  ports: ExposedPort[];
}

export interface KeyValueInstruction extends InstructionBase {
  kind: 'ENV' | 'LABEL' | 'ARG';
  pairs: KeyValuePair[];
  /** `ENV k v` / `LABEL k v` (one pair, no `=`). */
  legacy: boolean;
}

export type ArgInstruction = KeyValueInstruction & { kind: 'ARG' };

export interface OnbuildInstruction extends InstructionBase {
  kind: 'ONBUILD';
  trigger?: Instruction;
}

export interface SimpleInstruction extends InstructionBase {
  kind: 'CMD' | 'ENTRYPOINT' | 'SHELL' | 'USER' | 'WORKDIR' | 'VOLUME' | 'STOPSIGNAL' | 'MAINTAINER' | 'UNKNOWN';
}

export type Instruction =
  | FromInstruction | CopyInstruction | RunInstruction | HealthcheckInstruction | ExposeInstruction
  | KeyValueInstruction | OnbuildInstruction | SimpleInstruction;

export type InstructionKind = Instruction['kind'];

export type StageBase =
  | { kind: 'image'; image: string }
  | { kind: 'stage'; stageIndex: number }
  | { kind: 'scratch' }
  /** FROM without an image word. */
  | { kind: 'missing' };

export interface StageReference {
  via: 'copy-from' | 'mount-from' | 'from';
  /** The referenced name as written (after unquoting for flags). */
  target: string;
  range: Range;
  instruction: Instruction;
  /** Resolved earlier stage (by name, case-insensitive, or numeric index), if any. */
  stageIndex?: number;
}

export interface Stage {
  index: number;
  /** Lowercased name (BuildKit compares case-insensitively); nameText keeps the casing. */
  name?: string;
  nameText?: string;
  nameRange?: Range;
  from: FromInstruction;
  base: StageBase;
  platform?: Flag;
  /** Instructions of the stage, FROM first. */
  instructions: Instruction[];
  /** From FROM to the end of the stage's last instruction. */
  range: Range;
  references: StageReference[];
}

export interface DockerfileModel {
  text: string;
  escapeChar: EscapeChar;
  directives: ParserDirective[];
  comments: Comment[];
  /** Top-level instructions in document order (ONBUILD triggers are in `trigger`). */
  instructions: Instruction[];
  stages: Stage[];
  /** ARG instructions before the first FROM. */
  globalArgs: ArgInstruction[];
  problems: ParseProblem[];
  /** Document offset of the start of each line. */
  lineStarts: number[];
  positionAt(offset: number): Position;
  offsetAt(position: Position): number;
}
