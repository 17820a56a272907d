/**
 * The errors a future raises about itself (not about its task), as in
 * concurrent.futures. Both carry a stable `code` so callers can branch without
 * `instanceof` when a value crossed a module or process boundary.
 */

/** The future was cancelled (or aborted) before it produced a result. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError' as const;
  readonly code = 'ERR_CANCELLED' as const;

  constructor(message = 'Future was cancelled', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The wait ran out (result/exception/wait/asCompleted/map); the task itself may still finish. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError' as const;
  readonly code = 'ERR_WAIT_TIMEOUT' as const;

  constructor(message = 'Timed out waiting for the future', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An executor drove a future through a transition its state does not allow (a bug in the executor). */
export class InvalidStateError extends Error {
  override readonly name = 'InvalidStateError' as const;
  readonly code = 'ERR_FUTURE_INVALID_STATE' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
