/**
 * Loads a scenario module (`rf bench --script MODULE`): its default export is
 * the iteration, `(session, iteration, target) => Promise<unknown>`. The
 * coordinator loads it once before any load starts, so a missing file or a
 * module without a function fails at once with what was wrong; each pool
 * child imports the same URL.
 */
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors.js';
import type { ScenarioSession } from './scenario-session.js';

/** One iteration of a scenario: `target` is the URL given on the command line, if any. */
export type ScenarioIteration = (session: ScenarioSession, iteration: number, target: string | undefined) => unknown;

/** The scenario module cannot be used: exit code 2, as any other bad argument. */
export class ScenarioModuleError extends UsageError {
  override name = 'ScenarioModuleError';
}

/** A path as given on the command line (relative to the working directory), or a file: URL, as the URL children import. */
export function scenarioModuleUrl(pathOrUrl: string): string {
  if (pathOrUrl.trim() === '') throw new ScenarioModuleError('--script needs a module path, got ""');
  return pathOrUrl.startsWith('file:') ? new URL(pathOrUrl).href : pathToFileURL(pathOrUrl).href;
}

export async function loadScenario(moduleUrl: string): Promise<ScenarioIteration> {
  let namespace: { default?: unknown };
  try {
    namespace = (await import(moduleUrl)) as { default?: unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ScenarioModuleError(`--script ${moduleUrl}: cannot import it: ${reason}`, { cause: error });
  }
  const iteration = namespace.default;
  if (typeof iteration !== 'function') {
    const got = iteration === undefined ? 'no default export' : `a default export of type ${typeof iteration}`;
    throw new ScenarioModuleError(`--script ${moduleUrl}: the module must export default a function (session, iteration, target), it has ${got}`);
  }
  return iteration as ScenarioIteration;
}
