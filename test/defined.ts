/**
 * A value a test's fixture guarantees (a keyed lookup, a named entry): returns it, or throws
 * naming what was missing, so a broken fixture fails at the lookup instead of as a later
 * `undefined` property read.
 */
export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing`);
  return value;
}
