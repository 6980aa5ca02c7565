import { CatalogFormatError } from './vector-codec.ts';
import { describe, isObject, type Json } from './json-checks.ts';

/**
 * The generic field validator the manifest parser is written with: typed reads of one JSON
 * object's fields whose errors name the file, the object and the field, and a final check
 * that no unknown field is left.
 */

/** A `/`-separated path inside the catalog folder: no empty, `.` or `..` segments, no leading `/`, no backslash, no control characters. */
function isRelativePath(value: string): boolean {
  if (value === '' || value.startsWith('/') || value.includes('\\') || /[\u0000-\u001f\u007f]/.test(value)) return false;
  return value.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

/** Reads one JSON object's fields; every problem names the source, the object's place and the field. */
export class Fields {
  private readonly seen = new Set<string>();

  constructor(
    private readonly source: string,
    /** e.g. `items[12] ("animals/badger")`; '' at the top level. */
    readonly where: string,
    private readonly json: Json,
  ) {}

  error(problem: string): CatalogFormatError {
    return new CatalogFormatError(`${this.source}: ${this.where ? `${this.where}: ` : ''}${problem}`);
  }

  fail(problem: string): never {
    throw this.error(problem);
  }

  private take(key: string, required: boolean): unknown {
    this.seen.add(key);
    const value = Object.prototype.hasOwnProperty.call(this.json, key) ? this.json[key] : undefined;
    if (value === undefined && required) this.fail(`missing field "${key}"`);
    return value;
  }

  private wrong(key: string, expected: string, value: unknown): never {
    this.fail(`field "${key}" must be ${expected} (got ${describe(value)})`);
  }

  string(key: string): string;
  string(key: string, optional: 'optional'): string | undefined;
  string(key: string, optional?: 'optional'): string | undefined {
    const value = this.take(key, !optional);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') this.wrong(key, 'a non-empty string', value);
    return value;
  }

  /** A string that may be empty (descriptions). */
  text(key: string): string | undefined {
    const value = this.take(key, false);
    if (value !== undefined && typeof value !== 'string') this.wrong(key, 'a string', value);
    return value as string | undefined;
  }

  matching(key: string, pattern: RegExp, expected: string, optional?: 'optional'): string | undefined {
    const value = this.take(key, !optional);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !pattern.test(value)) this.wrong(key, expected, value);
    return value;
  }

  path(key: string): string;
  path(key: string, optional: 'optional'): string | undefined;
  path(key: string, optional?: 'optional'): string | undefined {
    const value = this.take(key, !optional);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !isRelativePath(value)) this.wrong(key, 'a relative path inside the catalog folder', value);
    return value;
  }

  integer(key: string, min: number): number;
  integer(key: string, min: number, optional: 'optional'): number | undefined;
  integer(key: string, min: number, optional?: 'optional'): number | undefined {
    const value = this.take(key, !optional);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      this.wrong(key, min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`, value);
    }
    return value;
  }

  number(key: string, min: number, max: number, optional?: 'optional'): number | undefined {
    const value = this.take(key, !optional);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      this.wrong(key, max === Infinity ? `a number ≥ ${min}` : `a number from ${min} to ${max}`, value);
    }
    return value;
  }

  boolean(key: string): boolean {
    const value = this.take(key, true);
    if (typeof value !== 'boolean') this.wrong(key, 'true or false', value);
    return value as boolean;
  }

  object(key: string): Json;
  object(key: string, optional: 'optional'): Json | undefined;
  object(key: string, optional?: 'optional'): Json | undefined {
    const value = this.take(key, !optional);
    if (value === undefined) return undefined;
    if (!isObject(value)) this.wrong(key, 'an object', value);
    return value;
  }

  array(key: string): unknown[];
  array(key: string, optional: 'optional'): unknown[] | undefined;
  array(key: string, optional?: 'optional'): unknown[] | undefined {
    const value = this.take(key, !optional);
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) this.wrong(key, 'an array', value);
    return value;
  }

  /** After reading every known field: any other field is an error. */
  noOthers(): void {
    for (const key of Object.keys(this.json)) if (!this.seen.has(key)) this.fail(`unknown field "${key}"`);
  }
}

export function objectAt(source: string, where: string, value: unknown): Fields {
  if (!isObject(value)) throw new CatalogFormatError(`${source}: ${where}: must be an object (got ${describe(value)})`);
  return new Fields(source, where, value);
}
