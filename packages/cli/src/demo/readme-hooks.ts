/**
 * Module-level hooks for the README examples that run in child processes:
 * a ProcessPoolExecutor imports them by fnRef, as Python pickles a
 * module-level function by name.
 */
import type { Response } from '@requests-futures/core';

export function responseHook(resp: Response & { data?: unknown }): void {
  // parse the json storing the result on the response object
  resp.data = resp.json();
}
