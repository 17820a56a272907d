/**
 * The in-process request engine (http/request-task.js and everything it
 * imports: request, redirects, bodies, multipart, digest auth, files), loaded
 * on first use instead of with the package. A coordinator whose requests all
 * go to a ProcessPoolExecutor never runs it itself: its children import it
 * (by the same URL, so it stays one module wherever it is loaded), and a
 * fresh pool no longer pays for it before its first child spawns.
 */
import type * as RequestTask from '../http/request-task.js';

type RequestTaskModule = typeof RequestTask;

let loaded: RequestTaskModule | undefined;
let loading: Promise<RequestTaskModule> | undefined;

function loadRequestTask(): Promise<RequestTaskModule> {
  loading ??= import('../http/request-task.js').then(
    (module) => (loaded = module),
    (error: unknown) => {
      // A failed import is retried by the next request rather than cached.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** request-task.ts's runRequestTaskIn, synchronous into it once the module is loaded. */
export function runRequestTaskIn(...args: Parameters<RequestTaskModule['runRequestTaskIn']>): ReturnType<RequestTaskModule['runRequestTaskIn']> {
  if (loaded !== undefined) return loaded.runRequestTaskIn(...args);
  return loadRequestTask().then((module) => module.runRequestTaskIn(...args));
}
