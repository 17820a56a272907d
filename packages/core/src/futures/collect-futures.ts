/** Shared input handling of wait() and asCompleted(): Python takes any iterable and dedupes it. */
import { Future } from './future.js';

/** Dedupes the input and refuses anything that is not a Future, naming its position. */
export function collectFutures<F extends Future<any, any>>(futures: Iterable<F>, caller: string): Set<F> {
  if (futures == null || typeof (futures as Iterable<F>)[Symbol.iterator] !== 'function') {
    throw new TypeError(`${caller}(futures): futures must be an iterable of Future`);
  }
  const all = new Set<F>();
  let index = 0;
  for (const future of futures) {
    if (!(future instanceof Future)) {
      throw new TypeError(`${caller}(futures): item ${index} is not a Future (got ${describeValue(future)})`);
    }
    all.add(future);
    index += 1;
  }
  return all;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
