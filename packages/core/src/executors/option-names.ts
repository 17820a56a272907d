/**
 * Refuses option names nobody reads: a typo such as `timout` or Python's
 * `max_workers` would otherwise be ignored silently and the default used.
 */
import { createRequire } from 'node:module';

/**
 * fastest-levenshtein, required (it is CommonJS) when a name is wrong: only an
 * error needs it, and loading it with the package cost every script Node's
 * CommonJS lexer too.
 */
function editDistance(): typeof import('fastest-levenshtein').distance {
  return (createRequire(import.meta.url)('fastest-levenshtein') as typeof import('fastest-levenshtein')).distance;
}

/**
 * Every key of an options type, as a record so that the compiler flags a name
 * added to (or removed from) the interface and not to the list.
 */
export type OptionNames<T> = Record<keyof Required<T>, true>;

/**
 * @throws TypeError naming the first unknown option of `options` and the known
 *   one closest to it, e.g. `ThreadPoolExecutor: unknown option "max_workers"; did you mean "maxWorkers"?`
 */
export function assertKnownOptions(options: object, known: OptionNames<object> | readonly string[], owner: string): void {
  const names = Array.isArray(known) ? (known as readonly string[]) : Object.keys(known);
  for (const name of Object.keys(options)) {
    if (names.includes(name)) continue;
    const suggestion = closestName(name, names);
    const hint = suggestion === undefined ? `known options: ${names.join(', ')}` : `did you mean "${suggestion}"?`;
    throw new TypeError(`${owner}: unknown option "${name}"; ${hint}`);
  }
}

/**
 * Compared without case, `_` or `-`, so Python's snake_case finds its camelCase
 * twin; a name may also be a misspelt start of a longer one (`concurency` for
 * `concurrencyPerWorker`), which plain edit distance would rank below `env`.
 */
function closestName(name: string, names: readonly string[]): string | undefined {
  const distance = editDistance();
  const typed = normalize(name);
  let best: string | undefined;
  let bestScore = Infinity;
  for (const known of names) {
    const candidate = normalize(known);
    const asPrefix = candidate.length > typed.length ? distance(typed, candidate.slice(0, typed.length)) + 1 : Infinity;
    const score = Math.min(distance(typed, candidate), asPrefix);
    if (score < bestScore) [best, bestScore] = [known, score];
  }
  return best;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}
