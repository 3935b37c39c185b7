/** BuildKit's `# check=` grammar (linter.ParseLintOptions): `skip=A,B|all;error=<bool>;experimental=A|all`. */
export interface CheckOptions {
  skipAll: boolean;
  skip: Set<string>;
  error: boolean;
  experimentalAll: boolean;
  experimental: Set<string>;
}

export type CheckOptionsResult = { options: CheckOptions } | { error: string };

const GO_BOOL: Record<string, boolean> = {
  '1': true, t: true, T: true, TRUE: true, true: true, True: true,
  '0': false, f: false, F: false, FALSE: false, false: false, False: false,
};

export function emptyCheckOptions(): CheckOptions {
  return { skipAll: false, skip: new Set(), error: false, experimentalAll: false, experimental: new Set() };
}

export function parseCheckOptions(text: string): CheckOptionsResult {
  const options = emptyCheckOptions();
  const trimmed = text.trim();
  if (trimmed === '') return { options };
  for (const part of trimmed.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) return { error: `invalid check option "${part}"` };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    const names = value.split(',').map((n) => n.trim()).filter((n) => n !== '');
    switch (key) {
      case 'skip':
        if (value === 'all') options.skipAll = true;
        else names.forEach((n) => options.skip.add(n));
        break;
      case 'experimental':
        if (value === 'all') options.experimentalAll = true;
        else names.forEach((n) => options.experimental.add(n));
        break;
      case 'error': {
        const b = GO_BOOL[value];
        if (b === undefined) return { error: `failed to parse check option "${part}": strconv.ParseBool: parsing "${value}": invalid syntax` };
        options.error = b;
        break;
      }
      default:
        return { error: `invalid check option "${key}"` };
    }
  }
  return { options };
}

const CHECK_COMMENT = /^#\s*check\s*=(\S*)/i;

/** Options of a per-instruction `# check=...` comment: text after the first space is ignored. */
export function parseInstructionCheckComment(comment: string): CheckOptions | undefined {
  const m = CHECK_COMMENT.exec(comment.trim());
  if (!m) return undefined;
  const parsed = parseCheckOptions(m[1]);
  return 'options' in parsed ? parsed.options : undefined;
}
