/**
 * The AsyncLocalStorage context of whoever called us, kept to run code in it
 * later. A queued task starts from whatever event finished the task before
 * it, and a done callback fires from the settling task or an IPC message: left
 * alone, both would see that other caller's context (one tenant's request
 * context leaking into another tenant's hooks on a shared executor).
 *
 * A bare AsyncResource, not AsyncLocalStorage.snapshot(): measured on Node 20
 * here, snapshot() costs about 9 µs (it builds a bound function per call), an
 * AsyncResource with requireManualDestroy about 20–45 ns, and entering it
 * about 40 ns. Neither turns on promise hooks by itself.
 */
import { AsyncResource } from 'node:async_hooks';

export interface CallerContext {
  /** Runs `fn` with the AsyncLocalStorage stores its creator saw. */
  run<R>(fn: () => R): R;
}

class CapturedContext extends AsyncResource implements CallerContext {
  run<R>(fn: () => R): R {
    return this.runInAsyncScope(fn);
  }
}

/** Captures the current context (every AsyncLocalStorage's store, as async functions inherit them). */
export function captureCallerContext(): CallerContext {
  return new CapturedContext('requests-futures.CallerContext', { requireManualDestroy: true });
}
