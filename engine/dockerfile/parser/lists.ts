// Most lists in a model are empty or hold one item (flags, mounts, continuations, comments of an
// instruction). They share one frozen empty array, and get an array of their own with the first item.

export const NONE: never[] = Object.freeze([]) as never[];

/** Adds an item: the shared empty list gets an array of its own, and short lists are copied to
 *  exactly their new length (a push onto a small array reserves room for 16 more items). */
export function append<T>(list: T[], item: T): T[] {
  if (list === NONE) return [item];
  if (list.length < 8) return [...list, item];
  list.push(item);
  return list;
}
