/**
 * Go's time.ParseDuration, as used by BuildKit for HEALTHCHECK durations.
 * Hand-written: the exact Go grammar and error messages are what the build reports.
 */
const UNITS: Record<string, number> = {
  ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000,
};

export type DurationResult = { ok: true; milliseconds: number } | { ok: false; message: string };

/** Parses a Go duration string; milliseconds may be fractional. */
export function parseGoDuration(text: string): DurationResult {
  const quoted = JSON.stringify(text);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return { ok: true, milliseconds: 0 };
  if (rest === '') return { ok: false, message: `time: invalid duration ${quoted}` };
  let total = 0;
  while (rest !== '') {
    const num = /^(\d*)(\.(\d*))?/.exec(rest)!;
    if (num[0] === '' || num[0] === '.') return { ok: false, message: `time: invalid duration ${quoted}` };
    rest = rest.slice(num[0].length);
    const unit = /^[^\d.]*/.exec(rest)![0];
    if (unit === '') return { ok: false, message: `time: missing unit in duration ${quoted}` };
    const factor = UNITS[unit];
    if (factor === undefined) return { ok: false, message: `time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}` };
    rest = rest.slice(unit.length);
    total += Number(num[0].startsWith('.') ? `0${num[0]}` : num[0].endsWith('.') ? num[0].slice(0, -1) : num[0]) * factor;
  }
  return { ok: true, milliseconds: sign * total };
}
