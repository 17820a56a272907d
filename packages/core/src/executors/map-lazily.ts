/**
 * Executor.map for any executor: results in input order, like Python's map,
 * but pulling the input lazily so that a huge (or endless) async iterable
 * never has more than `window` tasks submitted ahead of the consumer.
 */
import { TimeoutError } from '../futures/errors.js';
import type { Future } from '../futures/future.js';
import { timeoutToMs } from '../futures/timeout.js';

export interface MapLazilyOptions {
  /** Seconds, counted from the mapLazily() call; a result not ready by then throws TimeoutError. */
  timeout?: number | null;
  /** Most tasks submitted and not yet handed to the consumer (the one being waited for included). */
  window: number;
}

/**
 * Submits `submit(item)` for the items of `iterable` as the consumer pulls,
 * and yields the results in input order. A failed task's error is thrown at
 * its position (what came before it is yielded first); an error pulling the
 * input or submitting an item is thrown at that item's position too. When the
 * consumer stops early, or an error ends the iteration, the futures submitted
 * and not yet started are cancelled (running ones finish, as in Python) and
 * the input iterator is closed; that includes the one whose wait timed out.
 * @throws RangeError/TypeError at once for a bad `window` or `timeout`.
 */
export function mapLazily<T, R>(
  submit: (item: T) => Future<R, any>,
  iterable: Iterable<T> | AsyncIterable<T>,
  options: MapLazilyOptions,
): AsyncIterableIterator<Awaited<R>> {
  const { window } = options;
  if (typeof window !== 'number') throw new TypeError(`window must be a number; got ${window === null ? 'null' : typeof window}`);
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`window must be an integer >= 1; got ${String(window)}`);
  }
  const timeoutMs = timeoutToMs(options.timeout, 'timeout');
  if (!isIterable(iterable)) throw new TypeError('map(fn, iterable): iterable must be an Iterable or AsyncIterable');
  const deadline = timeoutMs === undefined ? undefined : performance.now() + timeoutMs;
  return mapInOrder(submit, iterable, window, deadline, options.timeout);
}

async function* mapInOrder<T, R>(
  submit: (item: T) => Future<R, any>,
  iterable: Iterable<T> | AsyncIterable<T>,
  window: number,
  deadline: number | undefined,
  timeoutSeconds: number | null | undefined,
): AsyncGenerator<Awaited<R>, void, undefined> {
  const source = openIterator(iterable);
  const inFlight: Future<R, any>[] = [];
  /** Whether the input iterator still needs closing if we stop early. */
  let sourceOpen = true;
  /** An error met while filling the window, thrown once the results before it are out. */
  let stopped: { error: unknown } | undefined;
  let failing = false;
  let position = 0;
  try {
    for (;;) {
      while (sourceOpen && !stopped && inFlight.length < window) {
        let step: IteratorResult<T>;
        try {
          step = await source.next();
        } catch (error) {
          sourceOpen = false; // an iterator that threw is finished; do not call return()
          stopped = { error };
          break;
        }
        if (step.done) {
          sourceOpen = false;
          break;
        }
        try {
          inFlight.push(submit(step.value));
        } catch (error) {
          stopped = { error };
        }
      }
      // The head stays in flight while we wait on it: if the wait times out (or the
      // consumer stops), the cleanup below must cancel it too (Python's map does).
      const head = inFlight[0];
      if (head === undefined) {
        if (stopped) throw stopped.error;
        return;
      }
      const value = await resultBy(head, deadline, position, timeoutSeconds);
      inFlight.shift();
      yield value as Awaited<R>;
      position += 1;
    }
  } catch (error) {
    failing = true;
    throw error;
  } finally {
    // A stop before the end: what has not started is no longer wanted.
    for (const future of inFlight) future.cancel();
    if (sourceOpen) {
      try {
        await source.return?.();
      } catch (error) {
        // As in for-of: the error already propagating wins over one from closing.
        if (!failing) throw error;
      }
    }
  }
}

async function resultBy<R>(
  future: Future<R, any>,
  deadline: number | undefined,
  position: number,
  timeoutSeconds: number | null | undefined,
): Promise<R> {
  const left = deadline === undefined ? undefined : Math.max(0, deadline - performance.now()) / 1000;
  try {
    return await future.result(left);
  } catch (error) {
    // Only our wait running out gets the map's message; a task may raise TimeoutError itself.
    if (error instanceof TimeoutError && !future.done()) {
      throw new TimeoutError(`map: result ${position} not ready within the map's timeout of ${timeoutSeconds} s`, {
        cause: error,
      });
    }
    throw error;
  }
}

export function isIterable(value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  if (value == null) return false;
  const candidate = value as Partial<Record<symbol, unknown>>;
  return typeof candidate[Symbol.asyncIterator] === 'function' || typeof candidate[Symbol.iterator] === 'function';
}

function openIterator<T>(iterable: Iterable<T> | AsyncIterable<T>): Iterator<T> | AsyncIterator<T> {
  if (Symbol.asyncIterator in iterable) return (iterable as AsyncIterable<T>)[Symbol.asyncIterator]();
  return (iterable as Iterable<T>)[Symbol.iterator]();
}
