/** Codes of the syntax problems the parser reports (`ParseProblem.code`). */
export const ProblemCode = {
  /** A BuildKit parser error (the message is BuildKit's). */
  ParseError: 'ParseError',
  /** `CMD [1, 2]`: a JSON array with a non-string element. */
  JsonNotStringArray: 'JSONNotStringArray',
  /** A heredoc whose terminator line never comes. */
  UnterminatedHeredoc: 'UnterminatedHeredoc',
  /** `# escape=x` with something other than `\` or `` ` ``. */
  InvalidEscapeDirective: 'InvalidEscapeDirective',
  /** A parser directive given twice. */
  DuplicateDirective: 'DuplicateDirective',
  /** A file with no instructions at all. */
  EmptyDockerfile: 'EmptyDockerfile',
} as const;
