// GET /events: a JSON-lines stream of engine events, with `since`/`until` and `filters`
// (type, event, image, container, label, volume).
import type { EngineEvent } from '../events';
import { checkFilterKeys, labelsMatch, parseTimestamp } from '../filters';
import type { RequestContext } from '../router';
import type { RegisterRoutes } from './types';

type Filters = Map<string, string[]>;

function matchesAny(values: string[] | undefined, ...candidates: Array<string | undefined>): boolean {
  if (!values?.length) return true;
  return values.some((v) => candidates.some((c) => c !== undefined && c !== '' && (c === v || c.startsWith(v) && /^[a-f0-9]+$/.test(v))));
}

/** Whether an event passes every filter (moby daemon/events/filter.go semantics). */
export function eventMatches(e: EngineEvent, f: Filters): boolean {
  if (f.get('type')?.length && !f.get('type')!.includes(e.Type)) return false;
  // `exec_start: sh -c …` matches the filter `exec_start`
  if (f.get('event')?.length && !f.get('event')!.some((a) => e.Action === a || e.Action.split(':')[0] === a)) return false;
  const attrs = e.Actor.Attributes;
  if (f.get('container')?.length && (e.Type !== 'container' || !matchesAny(f.get('container'), e.Actor.ID, attrs.name))) return false;
  if (f.get('image')?.length) {
    const img = e.Type === 'image' ? [e.Actor.ID, attrs.name] : [attrs.image];
    if (!matchesAny(f.get('image'), ...img)) return false;
  }
  if (f.get('volume')?.length && (e.Type !== 'volume' || !matchesAny(f.get('volume'), e.Actor.ID))) return false;
  return labelsMatch(f.get('label'), attrs);
}

function streamEvents(ctx: RequestContext): void {
  const filters = ctx.filters();
  checkFilterKeys(filters, ['type', 'event', 'container', 'image', 'label', 'volume', 'network', 'daemon', 'scope', 'plugin', 'node', 'service', 'secret', 'config']);
  const since = ctx.query.get('since');
  const until = ctx.query.get('until');
  const sinceMs = since ? parseTimestamp(since) : undefined;
  const untilMs = until ? parseTimestamp(until) : undefined;
  const res = ctx.res;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  const send = (e: EngineEvent) => {
    if (untilMs !== undefined && e.timeNano / 1e6 > untilMs) return;
    if (eventMatches(e, filters)) res.write(`${JSON.stringify(e)}\n`);
  };
  if (sinceMs !== undefined) for (const e of ctx.engine.events.replay(sinceMs * 1e6)) send(e);
  if (untilMs !== undefined && untilMs <= Date.now()) {
    res.end();
    return;
  }
  const unsubscribe = ctx.engine.events.subscribe(send);
  const timer = untilMs === undefined ? undefined : setTimeout(() => res.end(), untilMs - Date.now());
  const done = () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
  res.on('close', done);
  res.on('finish', done);
}

export const register: RegisterRoutes = (router) => {
  router.get('/events', streamEvents);
};
