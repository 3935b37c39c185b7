/** Instruction metadata as data: used by lint (flag validation), completion, hover, signatures. */
import type { InstructionKeyword } from '../model';

export type FlagValueType =
  /** free text */
  | 'string'
  /** `--flag` or `--flag=true|false` */
  | 'bool'
  /** Go duration: `30s`, `1m30s`, `1h` */
  | 'duration'
  /** integer */
  | 'int'
  /** one of `values` */
  | 'enum'
  /** `os/arch[/variant]` */
  | 'platform'
  /** a stage name or index, a named context or an image */
  | 'stage'
  /** comma-separated `key=value` list (RUN --mount) */
  | 'keyvalue';

export interface FlagSpec {
  name: string;
  type: FlagValueType;
  values?: string[];
  /** May be given more than once. */
  repeatable?: boolean;
  default?: string;
  /** Minimum `# syntax=docker/dockerfile:` version that knows the flag (e.g. `1.4`, `1.14-labs`). */
  minSyntax?: string;
  doc: string;
}

export interface InstructionSpec {
  name: InstructionKeyword;
  /** Usage lines (for signature help), e.g. `COPY [--from=<stage>] <src>... <dest>`. */
  usage: string[];
  /** Short markdown description. */
  doc: string;
  link: string;
  /** Argument counts BuildKit enforces (after flags); `max` undefined = unbounded. */
  minArgs: number;
  maxArgs?: number;
  /** `json`: exec form only (SHELL); `both`: exec or shell form; `words`: plain words. */
  form: 'json' | 'both' | 'words';
  /** The builder expands `$vars` in the arguments (not RUN/CMD/ENTRYPOINT/SHELL/HEALTHCHECK/ONBUILD/MAINTAINER). */
  expandsVariables: boolean;
  /** Allowed as an ONBUILD trigger. */
  onbuild: boolean;
  flags: FlagSpec[];
}

export interface MountKeySpec {
  name: string;
  aliases?: string[];
  type: 'string' | 'bool' | 'int' | 'enum' | 'octal' | 'stage' | 'bytes';
  values?: string[];
  default?: string;
  minSyntax?: string;
  doc: string;
}

export interface MountTypeSpec {
  type: 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
  doc: string;
  keys: MountKeySpec[];
}

export interface DirectiveSpec {
  name: 'syntax' | 'escape' | 'check';
  doc: string;
  values?: string[];
  link: string;
}
