/**
 * got, imported on first use instead of when @requests-futures/core loads.
 * A coordinator that sends every request to a ProcessPoolExecutor never runs
 * got itself, and got with its dependencies is about 24 MiB of its resident
 * memory (measured: `import('got')` takes a bare Node from 39 to 63 MiB).
 * The children and in-process executors load it with their first request.
 *
 * It is imported from the one-file build of it (scripts/vendor-got.mjs),
 * which a fresh process loads in about two thirds of the CPU time; from the
 * package itself where that file is absent (a build that ran tsc alone), or
 * where a bundler already put got in the bundle (the CLI's bundle rewrites
 * VENDORED_GOT to null).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Got } from 'got';
import { LoadedOnce } from './loaded-once.js';
import { requestsGot } from './got-instance.js';

const VENDORED_GOT: string | null = new URL('../vendor/got.js', import.meta.url).href;

type GotModule = { default: Got };

function importGot(): Promise<GotModule> {
  return VENDORED_GOT !== null && existsSync(fileURLToPath(VENDORED_GOT)) ? (import(VENDORED_GOT) as Promise<GotModule>) : import('got');
}

const ourGot = new LoadedOnce(() => importGot().then((module) => requestsGot(module.default)));

/** Our got instance (got-instance.ts), once loaded (synchronous fast path for every request after the first). */
export function loadedGot(): Got | undefined {
  return ourGot.value;
}

export function loadGot(): Promise<Got> {
  return ourGot.get();
}
