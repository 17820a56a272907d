/**
 * got, imported on first use instead of when @requests-futures/core loads.
 * A coordinator that sends every request to a ProcessPoolExecutor never runs
 * got itself, and got with its dependencies is about 24 MiB of its resident
 * memory (measured: `import('got')` takes a bare Node from 39 to 63 MiB).
 * The children and in-process executors load it with their first request.
 */
import type { Got } from 'got';
import { requestsGot } from './got-instance.js';

let loaded: Got | undefined;
let loading: Promise<Got> | undefined;

/** Our got instance (got-instance.ts), once loaded (synchronous fast path for every request after the first). */
export function loadedGot(): Got | undefined {
  return loaded;
}

export function loadGot(): Promise<Got> {
  loading ??= import('got').then(
    (module) => (loaded = requestsGot(module.default)),
    (error: unknown) => {
      // A failed import (a broken install) is retried by the next request rather than cached.
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
