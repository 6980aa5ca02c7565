/**
 * The small checks every catalog-format validator shares (the manifest, the shared space, the
 * IVF index): a parsed JSON object, and a value as an error message shows it.
 */

/** A parsed JSON object, before its fields are checked. */
export type Json = Record<string, unknown>;

/** A plain object (not null, not an array). */
export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as it appears in an error: JSON for short primitives, else its kind. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- only primitives are left here
  return String(value);
}
