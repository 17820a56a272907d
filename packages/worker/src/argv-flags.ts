/** The child's settings travel as `--flag=value` arguments (kept out of the tasks' environment). */

/** The value of `--flag=N`, undefined when absent. @throws RangeError when it is not an integer >= 1. */
export function readPositiveInteger(argv: readonly string[], flag: string): number | undefined {
  const prefix = `${flag}=`;
  const arg = argv.find((a) => a.startsWith(prefix));
  if (arg === undefined) return undefined;
  const value = Number(arg.slice(prefix.length));
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${flag} must be an integer >= 1, got ${JSON.stringify(arg)}`);
  return value;
}
