/**
 * `--name value` / `--name=value` flags of the evaluation CLIs, each given at most once (the
 * last wins) and each one of `known`; an unknown flag or a missing value throws with the usage.
 */
export function readCliFlags(argv: readonly string[], known: readonly string[], usage: string): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.startsWith('--') ? argv[i]!.slice(2).split(/=(.*)/s, 2) : [undefined, undefined];
    if (!name || !known.includes(name)) throw new Error(`unknown argument ${argv[i]}\n${usage}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value\n${usage}`);
    values.set(name, value);
  }
  return values;
}
