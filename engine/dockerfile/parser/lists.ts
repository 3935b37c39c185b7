// Most lists in a model are empty or hold one item (flags, mounts, continuations, comments of an
// instruction). They share one frozen empty array, and get an array of their own with the first item.

export const NONE: never[] = Object.freeze([]) as never[];

/** Pushes onto a list, giving the shared empty list its own array first. */
export function append<T>(list: T[], item: T): T[] {
  if (list === NONE) return [item];
  list.push(item);
  return list;
}
