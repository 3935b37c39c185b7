import { SIGNALS } from '../../spec';

/** Signals accepted by moby's signal.ParseSignal on Linux (STOPSIGNAL): the completion list plus aliases. */
const SIGNAL_NAMES = new Set([...SIGNALS.map((s) => s.replace(/^SIG/, '')), 'CLD', 'IOT', 'POLL']);
const DIGITS = /^\d+$/;
const SIG_PREFIX = /^SIG/;
const RT = /^RTMIN(\+([1-9]|1[0-5]))?$|^RTMAX(-([1-9]|1[0-4]))?$/;

export function isValidSignal(text: string): boolean {
  if (DIGITS.test(text)) return Number(text) > 0 && Number(text) <= 64;
  const name = text.toUpperCase().replace(SIG_PREFIX, '');
  return SIGNAL_NAMES.has(name) || RT.test(name);
}
