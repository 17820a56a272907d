/**
 * The state machine of one asynchronous result, ported from CPython's
 * concurrent/futures/_base.py. It lives only here: executors drive it through
 * setRunningOrNotifyCancel / setResult / setException / onAbort and never
 * touch its state otherwise.
 *
 *   PENDING ──setRunningOrNotifyCancel()──▶ RUNNING ──setResult/setException──▶ FINISHED
 *      │  └────────setResult/setException (allowed, as in Python)──────────────▶ FINISHED
 *      └──cancel()/abort()──▶ CANCELLED ◀──abort()── RUNNING
 *
 * Node has no threads to block, so every waiting method returns a promise. A
 * future never creates a rejected promise on its own: only result(), exception()
 * and then() do, and only for whoever called them. A failed future nobody looks
 * at therefore cannot raise an unhandled rejection.
 *
 * Unlike Python there is no CANCELLED_AND_NOTIFIED: with no threads there is
 * nothing to notify later, so a cancelled future counts as done for wait() and
 * asCompleted() at once (Python waits for the executor to dequeue it, which
 * hangs wait() after shutdown(cancel_futures=True)).
 */
import { captureCallerContext, type CallerContext } from './caller-context.js';
import { CancelledError, InvalidStateError, TimeoutError } from './errors.js';
import { reportCallbackError } from './report-callback-error.js';
import { startTimer, timeoutToMs } from './timeout.js';

export type FutureState = 'PENDING' | 'RUNNING' | 'CANCELLED' | 'FINISHED';

export type DoneCallback<T, M = any> = (future: Future<T, M>) => unknown;
export type AbortHandler = (reason: unknown) => void;

export interface FutureOptions<M = any> {
  /** Any value the creator wants to carry along (the session's `meta` request option). */
  meta?: M;
}

/**
 * A future handed out by an async iteration (asCompleted; session.map can use it too).
 * TypeScript types `for await (const x of iterable)` as the *awaited* element, so a plain
 * `AsyncIterable<Future<R>>` would claim `x` is an R while at run time it is the future
 * itself. Hiding `then` from the type checker keeps `x` typed as the future; read it with
 * `x.result()` (the type of `await x` would be the future, although it gives the result).
 */
export type IteratedFuture<F> = F & { then: never };

/** Hooks for the other modules of futures/ (wait, asCompleted); not part of the public surface. */
interface FutureInternals {
  failed(future: Future<any, any>): boolean;
  addWaiter(future: Future<any, any>, waiter: () => void): void;
  removeWaiter(future: Future<any, any>, waiter: () => void): void;
  waiterCount(future: Future<any, any>): number;
  addRunningWaiter(future: Future<any, any>, waiter: () => void): void;
}
let internals: FutureInternals;

export class Future<T = unknown, M = any> implements PromiseLike<T> {
  /** Any value; set by the `meta` constructor option (and the session's `meta` request option). */
  meta: M;

  private state: FutureState = 'PENDING';
  private value: T | undefined;
  private failed = false;
  private error: unknown;
  private cancelError: CancelledError | undefined;
  /**
   * User callbacks, in the order added; dropped once called. Each keeps the context of its
   * caller: it runs there, whichever task or message settles the future.
   */
  private callbacks: Array<{ fn: DoneCallback<T, M>; context: CallerContext }> = [];
  /** Internal wake-ups (result, wait, asCompleted); a Set so a timed-out wait can leave in O(1). */
  private readonly waiters = new Set<() => void>();
  /** Internal wake-ups for PENDING → RUNNING (request diagnostics); usually none. */
  private runningWaiters: Array<() => void> | undefined;
  private abortHandlers: AbortHandler[] = [];
  /** mapResult() transforms, applied in order to the value given to setResult(). */
  private transforms: Array<(value: any) => unknown> = [];
  /** Set when abort() hit a running task: late onAbort registrations still need to stop it. */
  private runningAbort: { reason: unknown } | undefined;

  static {
    internals = {
      failed: (future) => future.state === 'FINISHED' && future.failed,
      addWaiter: (future, waiter) => void future.waiters.add(waiter),
      removeWaiter: (future, waiter) => void future.waiters.delete(waiter),
      waiterCount: (future) => future.waiters.size,
      addRunningWaiter: (future, waiter) => {
        if (future.state === 'PENDING') (future.runningWaiters ??= []).push(waiter);
        else if (future.state === 'RUNNING') waiter();
      },
    };
  }

  constructor(options: FutureOptions<M> = {}) {
    this.meta = options.meta as M;
  }

  // ---- queries -------------------------------------------------------------

  cancelled(): boolean {
    return this.state === 'CANCELLED';
  }

  running(): boolean {
    return this.state === 'RUNNING';
  }

  done(): boolean {
    return this.state === 'CANCELLED' || this.state === 'FINISHED';
  }

  /**
   * The task's value. Rejects with the task's own error, with CancelledError
   * when cancelled or aborted, and with TimeoutError when `timeoutSeconds`
   * pass first (the task keeps running). undefined/null: wait forever.
   */
  result(timeoutSeconds?: number | null): Promise<T> {
    // Without a timeout (every `await future`): one promise, settled by the waiter itself.
    if (timeoutSeconds === undefined || timeoutSeconds === null) return this.outcome();
    return this.whenDone(timeoutSeconds, 'timeoutSeconds').then(() => this.outcome());
  }

  /** The task's error, or undefined when it succeeded; rejects like result() when cancelled or out of time. */
  exception(timeoutSeconds?: number | null): Promise<unknown | undefined> {
    return this.whenDone(timeoutSeconds, 'timeoutSeconds').then(() => {
      if (this.cancelError) throw this.cancelError;
      return this.failed ? this.error : undefined;
    });
  }

  // ---- control -------------------------------------------------------------

  /** Cancels a future that has not started. True if it is (now or already) cancelled. */
  cancel(): boolean {
    if (this.state === 'CANCELLED') return true;
    if (this.state !== 'PENDING') return false;
    this.settleCancelled(new CancelledError());
    return true;
  }

  /**
   * Stops this future whatever it is doing: a pending one is cancelled; a
   * running one has its executor's abort handler called (which aborts the
   * task's signal) and is settled at once as cancelled. True if anything changed.
   */
  abort(reason?: unknown): boolean {
    if (this.done()) return false;
    const wasRunning = this.state === 'RUNNING';
    // Settle before calling the handlers so a handler that fails the task synchronously cannot win.
    const handlers = this.abortHandlers;
    if (wasRunning) this.runningAbort = { reason };
    this.settleCancelled(new CancelledError('Future aborted', reason === undefined ? undefined : { cause: reason }));
    if (wasRunning) for (const handler of handlers) this.callAbortHandler(handler, reason);
    return true;
  }

  /**
   * Calls `fn(future)` once the future is done (at once if it already is), in the order added,
   * in the AsyncLocalStorage context of the code that added it (as `promise.then` would).
   */
  addDoneCallback(fn: DoneCallback<T, M>): void {
    if (typeof fn !== 'function') throw new TypeError('addDoneCallback(fn): fn must be a function');
    if (this.done()) this.invokeCallback(fn);
    else this.callbacks.push({ fn, context: captureCallerContext() });
  }

  /** Removes every registration of `fn` (as asyncio's Future does); returns how many were removed. */
  removeDoneCallback(fn: DoneCallback<T, M>): number {
    const before = this.callbacks.length;
    this.callbacks = this.callbacks.filter((callback) => callback.fn !== fn);
    return before - this.callbacks.length;
  }

  /**
   * Transforms the value this future will carry, and returns this same future
   * retyped (so cancel, abort, meta and callbacks stay shared): the session
   * uses it to turn a task's raw outcome into a Response. If `fn` throws, the
   * future fails with that error. On an already finished future it applies at
   * once (callbacks that already ran saw the old value).
   */
  mapResult<U>(fn: (value: T) => U): Future<U, M> {
    if (typeof fn !== 'function') throw new TypeError('mapResult(fn): fn must be a function');
    if (!this.done()) {
      this.transforms.push(fn);
    } else if (this.state === 'FINISHED' && !this.failed) {
      try {
        this.value = fn(this.value as T) as unknown as T;
      } catch (error) {
        this.failed = true;
        this.error = error;
        this.value = undefined;
      }
    }
    return this as unknown as Future<U, M>;
  }

  // ---- PromiseLike ---------------------------------------------------------

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.result().then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.result().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this.result().finally(onfinally);
  }

  // ---- executor-facing -----------------------------------------------------

  /**
   * Called by an executor right before it runs the task. False: the future
   * was cancelled (or already settled) while queued, so do not run it.
   * @throws InvalidStateError if the task was already started.
   */
  setRunningOrNotifyCancel(): boolean {
    if (this.state === 'PENDING') {
      this.state = 'RUNNING';
      const waiters = this.runningWaiters;
      this.runningWaiters = undefined;
      if (waiters !== undefined) for (const waiter of waiters) this.callWaiter(waiter, 'a running waiter');
      return true;
    }
    if (this.state === 'RUNNING') {
      throw new InvalidStateError(`setRunningOrNotifyCancel() called twice on ${this.toString()}`);
    }
    return false;
  }

  /** Settles with the task's value. Ignored (returns false) once the future is done, e.g. after abort(). */
  setResult(value: T): boolean {
    if (this.done()) return false;
    let transformed: unknown = value;
    try {
      for (const transform of this.transforms) transformed = transform(transformed);
    } catch (error) {
      return this.setException(error);
    }
    this.value = transformed as T;
    this.settle('FINISHED');
    return true;
  }

  /** Settles with the task's error. Ignored (returns false) once the future is done. */
  setException(error: unknown): boolean {
    if (this.done()) return false;
    this.failed = true;
    this.error = error;
    this.settle('FINISHED');
    return true;
  }

  /**
   * Registers how to stop the running task (abort its signal, message its
   * worker). Called by abort() on a running future; called at once if the
   * future was already aborted while running.
   */
  onAbort(handler: AbortHandler): void {
    if (this.runningAbort) this.callAbortHandler(handler, this.runningAbort.reason);
    else if (!this.done()) this.abortHandlers.push(handler);
  }

  toString(): string {
    return describeFuture(this.state, this.failed, this.failed ? this.error : this.value);
  }

  // ---- internals -----------------------------------------------------------

  /** A promise of the value (or of the error, cancellation included), once done. */
  private outcome(): Promise<T> {
    if (!this.done()) return new Promise<T>((resolve, reject) => this.waiters.add(() => this.settleOutcome(resolve, reject)));
    return new Promise<T>((resolve, reject) => this.settleOutcome(resolve, reject));
  }

  private settleOutcome(resolve: (value: T) => void, reject: (error: unknown) => void): void {
    if (this.cancelError) reject(this.cancelError);
    else if (this.failed) reject(this.error);
    else resolve(this.value as T);
  }

  private whenDone(timeoutSeconds: number | null | undefined, argName: string): Promise<void> {
    let ms: number | undefined;
    try {
      ms = timeoutToMs(timeoutSeconds, argName);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.done()) return Promise.resolve();
    if (ms === 0) return Promise.reject(waitTimedOut(timeoutSeconds));
    return new Promise<void>((resolve, reject) => {
      let stopTimer = (): void => {};
      const waiter = (): void => {
        stopTimer();
        resolve();
      };
      this.waiters.add(waiter);
      if (ms !== undefined) {
        stopTimer = startTimer(ms, () => {
          this.waiters.delete(waiter);
          reject(waitTimedOut(timeoutSeconds));
        });
      }
    });
  }

  private settleCancelled(error: CancelledError): void {
    this.cancelError = error;
    this.settle('CANCELLED');
  }

  private settle(state: 'FINISHED' | 'CANCELLED'): void {
    this.state = state;
    this.abortHandlers = [];
    this.transforms = [];
    const waiters = [...this.waiters];
    this.waiters.clear();
    const callbacks = this.callbacks;
    this.callbacks = [];
    this.runningWaiters = undefined;
    for (const waiter of waiters) this.callWaiter(waiter, 'a waiter');
    for (const { fn, context } of callbacks) context.run(() => this.invokeCallback(fn));
  }

  private callWaiter(waiter: () => void, what: string): void {
    try {
      waiter();
    } catch (error) {
      reportCallbackError(error, `${what} of ${this.toString()}`);
    }
  }

  private invokeCallback(callback: DoneCallback<T, M>): void {
    // Described before the callback runs (it may map the value), but spelt out only for a report.
    const { state, failed } = this;
    const outcome = failed ? this.error : this.value;
    const where = (): string => `done callback ${callback.name || '(anonymous)'} of ${describeFuture(state, failed, outcome)}`;
    try {
      const returned = callback(this);
      // An async callback fails through its promise; only native promises, since a
      // callback may well return another (thenable) Future that is none of our business.
      if (returned instanceof Promise) returned.catch((error: unknown) => reportCallbackError(error, where()));
    } catch (error) {
      reportCallbackError(error, where());
    }
  }

  private callAbortHandler(handler: AbortHandler, reason: unknown): void {
    try {
      handler(reason);
    } catch (error) {
      reportCallbackError(error, `abort handler of ${this.toString()}`);
    }
  }
}

function waitTimedOut(timeoutSeconds: number | null | undefined): TimeoutError {
  return new TimeoutError(`Future not done after waiting ${timeoutSeconds} s`);
}

/** `outcome`: the error when it failed, else the value (read only when FINISHED). */
function describeFuture(state: FutureState, failed: boolean, outcome: unknown): string {
  let told = '';
  if (state === 'FINISHED') told = failed ? ` raised ${describe(outcome)}` : ` returned ${describe(outcome)}`;
  return `Future(state=${state.toLowerCase()}${told})`;
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.name;
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'Object';
  return typeof value;
}

/** True if the future finished by raising (not cancelled, not succeeded). For wait(FIRST_EXCEPTION). */
export function finishedWithException(future: Future<any, any>): boolean {
  return internals.failed(future);
}

/** Registers an internal wake-up called once when a not-yet-done future settles, before its done callbacks. */
export function addDoneWaiter(future: Future<any, any>, waiter: () => void): void {
  internals.addWaiter(future, waiter);
}

/** Registers an internal wake-up called once when the future starts running (at once if it runs); never if it is cancelled first. */
export function addRunningWaiter(future: Future<any, any>, waiter: () => void): void {
  internals.addRunningWaiter(future, waiter);
}

export function removeDoneWaiter(future: Future<any, any>, waiter: () => void): void {
  internals.removeWaiter(future, waiter);
}

/** How many internal wake-ups are attached: lets tests prove that wait/asCompleted leave none behind. */
export function doneWaiterCount(future: Future<any, any>): number {
  return internals.waiterCount(future);
}
