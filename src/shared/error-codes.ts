/**
 * One home per list of error codes: the list (`as const`) gives the union type
 * (`(typeof LIST)[number]`), and `errorCodes(LIST)` gives the checks. Our typed errors put their
 * code first in the message ("[quota-exceeded] …") because an Error that crosses the worker
 * boundary keeps only its name and message; `fromMessage` reads it back.
 */
export interface ErrorCodes<C extends string> {
  readonly codes: readonly C[];
  /** Whether `value` is one of the codes. */
  is(value: unknown): value is C;
  /** The code a "[code] detail" message starts with, or undefined when it starts with none of them. */
  fromMessage(message: string): C | undefined;
}

const CODE_PREFIX = /^\[([^\]\s]+)\] /;

export function errorCodes<const C extends string>(codes: readonly C[]): ErrorCodes<C> {
  const known = new Set<string>(codes);
  const is = (value: unknown): value is C => typeof value === 'string' && known.has(value);
  return {
    codes,
    is,
    fromMessage(message) {
      const code = CODE_PREFIX.exec(message)?.[1];
      return is(code) ? code : undefined;
    },
  };
}
