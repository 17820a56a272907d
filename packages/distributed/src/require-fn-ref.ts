import { PicklingError, isFnRef, type FnRef } from '@requests-futures/serializer';

/** A task must travel by reference, as on ProcessPoolExecutor (same PicklingError for a plain function). */
export function requireFnRef(fn: unknown): FnRef {
  if (isFnRef(fn)) return fn;
  if (typeof fn === 'function') throw new PicklingError('function', 'fn');
  throw new TypeError(`DistributedExecutor: fn must be an fnRef(moduleUrl, exportName); got ${fn === null ? 'null' : typeof fn}`);
}
