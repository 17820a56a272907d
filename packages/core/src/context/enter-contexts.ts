/**
 * The child's side of registered contexts: import each storage by its fnRef
 * and run the request inside all of them.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { FnRefImportError, loadModuleExport } from '@requests-futures/serializer';
import type { TravellingContext } from './registered-contexts.js';

/** Runs `fn` with every travelling context entered (the storages imported where this runs). */
export function runInTravellingContexts<T>(contexts: readonly TravellingContext[] | null, fn: () => Promise<T>): Promise<T> {
  // Most requests carry none: no extra async frame for them.
  if (contexts === null || contexts.length === 0) return fn();
  return enterAll(contexts, fn);
}

async function enterAll<T>(contexts: readonly TravellingContext[], fn: () => Promise<T>): Promise<T> {
  const storages = await Promise.all(contexts.map(({ storage }) => loadStorage(storage)));
  const enter = (index: number): Promise<T> => (index === contexts.length ? fn() : storages[index]!.run(contexts[index]!.value, () => enter(index + 1)));
  return enter(0);
}

async function loadStorage(ref: TravellingContext['storage']): Promise<AsyncLocalStorage<unknown>> {
  const exported = await loadModuleExport(ref);
  if (!(exported instanceof AsyncLocalStorage)) {
    throw new FnRefImportError(ref.moduleUrl, ref.exportName, 'a registered context must name an exported AsyncLocalStorage');
  }
  return exported;
}
