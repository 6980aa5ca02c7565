import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * The one flag reader of the Node CLIs, on `node:util` `parseArgs` (which splits `--name value`,
 * `--name=value` and positionals); this adds the rules every CLI shares and the same messages:
 * `unknown option --x`, `option --x needs a value`, `option --x given twice`,
 * `unexpected argument "x"`. Each is a UsageError, which a CLI prints with its usage and exit code 2.
 */

/** A mistake on the command line (not in the data): the CLI prints it with its usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The flags a CLI takes, by kind. */
export interface FlagSpec<V extends string, R extends string, B extends string> {
  /** Flags with a value, each given at most once. */
  values: readonly V[];
  /** Flags with a value that may be given again (every value is kept, in order). */
  repeatable?: readonly R[];
  /** Flags without a value (`--fresh`). */
  booleans?: readonly B[];
  /** Whether arguments that are not flags are allowed (default: no). */
  positionals?: boolean;
}

/** What was given, typed by the spec's flag names. */
export interface CliFlags<V extends string, R extends string, B extends string> {
  /** The value of a flag, or undefined when it was not given. */
  value(name: V): string | undefined;
  /** Every value of a repeatable flag, in order. */
  all(name: R): string[];
  /** Whether a flag was given. */
  has(name: V | R | B): boolean;
  /** The flags given, in order of first appearance. */
  readonly given: readonly (V | R | B)[];
  readonly positionals: readonly string[];
}

/**
 * Reads `argv` (without the node and script arguments) against `spec`; throws a UsageError on an
 * unknown flag, a flag without its value (a value may not start with `--` unless written
 * `--name=--value`), a flag given twice that is not repeatable, or an unexpected positional.
 * With `usage`, the error's message ends with it (for CLIs that let the error propagate).
 */
export function readCliFlags<V extends string, R extends string = never, B extends string = never>(
  argv: readonly string[],
  spec: FlagSpec<V, R, B>,
  usage?: string,
): CliFlags<V, R, B> {
  try {
    return readFlags(argv, spec);
  } catch (error) {
    if (usage === undefined || !(error instanceof UsageError)) throw error;
    throw new UsageError(`${error.message}\n${usage}`);
  }
}

function readFlags<V extends string, R extends string, B extends string>(argv: readonly string[], spec: FlagSpec<V, R, B>): CliFlags<V, R, B> {
  const withValue = new Set<string>([...spec.values, ...(spec.repeatable ?? [])]);
  const repeatable = new Set<string>(spec.repeatable ?? []);
  const booleans = new Set<string>(spec.booleans ?? []);
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const name of withValue) options[name] = { type: 'string', multiple: true };
  for (const name of booleans) options[name] = { type: 'boolean', multiple: true };
  // Not strict: the tokens are checked here, so every CLI words its errors the same way.
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (!spec.positionals) throw new UsageError(`unexpected argument ${JSON.stringify(token.value)}`);
      positionals.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') {
      if (!spec.positionals) throw new UsageError('unexpected argument "--"');
      continue;
    }
    const { name, rawName } = token;
    if (!withValue.has(name) && !booleans.has(name)) throw new UsageError(`unknown option ${rawName}`);
    if (values.has(name) && !repeatable.has(name)) throw new UsageError(`option --${name} given twice`);
    let value = 'true';
    if (withValue.has(name)) {
      if (token.value === undefined || token.value === '' || (!token.inlineValue && token.value.startsWith('--')))
        throw new UsageError(`option --${name} needs a value`);
      value = token.value;
    } else if (token.value !== undefined) throw new UsageError(`option --${name} takes no value`);
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  return {
    value: (name) => values.get(name)?.[0],
    all: (name) => values.get(name) ?? [],
    has: (name) => values.has(name),
    given: [...values.keys()] as (V | R | B)[],
    positionals,
  };
}
