/**
 * asCompleted(): yield futures as they finish, as concurrent.futures.as_completed.
 *
 * Written as a hand-made iterator, not an async generator, because a Future is
 * thenable and `yield` in an async generator would await it, handing out its
 * result (or throwing its error) instead of the future itself.
 *
 * Like Python's generator it starts (snapshots, arms the deadline) on the first
 * next(). A timer exists only while a consumer is actually waiting, and
 * return() (an early `break`) detaches everything it attached.
 */
import { collectFutures } from './collect-futures.js';
import { TimeoutError } from './errors.js';
import { addDoneWaiter, removeDoneWaiter, type Future, type IteratedFuture } from './future.js';
import { startTimer, timeoutToMs } from './timeout.js';

/**
 * Yields each future once (duplicates collapse): the ones already done first,
 * in input order, then the rest in the order they finish. Throws TimeoutError
 * ("N (of M) futures unfinished") if `timeoutSeconds`, counted from the first
 * next(), pass before all are done.
 * @throws TypeError/RangeError at once for a bad argument.
 */
export function asCompleted<F extends Future<any, any>>(
  futures: Iterable<F>,
  timeoutSeconds?: number | null,
): AsyncIterableIterator<IteratedFuture<F>> {
  const timeoutMs = timeoutToMs(timeoutSeconds, 'timeoutSeconds');
  // Only the static type changes (see IteratedFuture): the values are the futures given.
  return new AsCompletedIterator(collectFutures(futures, 'asCompleted'), timeoutMs) as unknown as AsyncIterableIterator<
    IteratedFuture<F>
  >;
}

interface Consumer<F> {
  resolve(result: IteratorResult<F, undefined>): void;
  reject(error: unknown): void;
}

const DONE = Object.freeze({ done: true, value: undefined }) as IteratorReturnResult<undefined>;

class AsCompletedIterator<F extends Future<any, any>> implements AsyncIterableIterator<F> {
  private readonly all: Set<F>;
  private readonly timeoutMs: number | undefined;
  private started = false;
  private closed = false;
  private deadline = Infinity;
  /** Finished futures nobody has asked for yet. */
  private ready: F[] = [];
  private readonly pending = new Set<F>();
  private readonly waiters = new Map<F, () => void>();
  /** next() calls waiting for a future to finish (several only if the caller does not await each). */
  private consumers: Consumer<F>[] = [];
  private stopTimer: (() => void) | undefined;

  constructor(all: Set<F>, timeoutMs: number | undefined) {
    this.all = all;
    this.timeoutMs = timeoutMs;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<F> {
    return this;
  }

  next(): Promise<IteratorResult<F, undefined>> {
    if (this.closed) return Promise.resolve(DONE);
    if (!this.started) this.start();
    const ready = this.ready.shift();
    if (ready !== undefined) return Promise.resolve({ done: false, value: ready });
    if (this.pending.size === 0) {
      this.close();
      return Promise.resolve(DONE);
    }
    if (performance.now() >= this.deadline) return Promise.reject(this.expire());
    return new Promise((resolve, reject) => {
      this.consumers.push({ resolve, reject });
      this.armTimer();
    });
  }

  /** An early `break`: detach from the futures and the clock. */
  return(): Promise<IteratorResult<F, undefined>> {
    this.close();
    return Promise.resolve(DONE);
  }

  throw(error?: unknown): Promise<IteratorResult<F, undefined>> {
    this.close();
    return Promise.reject(error);
  }

  private start(): void {
    this.started = true;
    if (this.timeoutMs !== undefined) this.deadline = performance.now() + this.timeoutMs;
    for (const future of this.all) {
      if (future.done()) {
        this.ready.push(future);
        continue;
      }
      this.pending.add(future);
      const waiter = (): void => this.onFinished(future);
      this.waiters.set(future, waiter);
      addDoneWaiter(future, waiter);
    }
  }

  private onFinished(future: F): void {
    this.waiters.delete(future);
    this.pending.delete(future);
    const consumer = this.consumers.shift();
    if (consumer) consumer.resolve({ done: false, value: future });
    else this.ready.push(future);
    if (this.pending.size === 0) {
      // Consumers beyond the last future get the end of the iteration.
      for (const waiting of this.consumers.splice(0)) waiting.resolve(DONE);
    }
    if (this.consumers.length === 0) this.disarmTimer();
  }

  private armTimer(): void {
    if (this.stopTimer || this.deadline === Infinity) return;
    const left = Math.max(0, this.deadline - performance.now());
    this.stopTimer = startTimer(left, () => {
      this.stopTimer = undefined;
      const consumers = this.consumers.splice(0);
      const error = this.expire();
      for (const consumer of consumers) consumer.reject(error);
    });
  }

  private disarmTimer(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }

  /** The deadline passed with futures unfinished: the iteration ends with TimeoutError. */
  private expire(): TimeoutError {
    const error = new TimeoutError(`${this.pending.size} (of ${this.all.size}) futures unfinished`);
    this.close();
    return error;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.disarmTimer();
    for (const [future, waiter] of this.waiters) removeDoneWaiter(future, waiter);
    this.waiters.clear();
    this.pending.clear();
    this.ready = [];
    for (const consumer of this.consumers.splice(0)) consumer.resolve(DONE);
  }
}
