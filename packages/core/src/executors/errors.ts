/** Errors of the executors themselves (not of the tasks they run). */

/** submit()/map() on an executor that was shut down: Python's RuntimeError('cannot schedule new futures after shutdown'). */
export class ExecutorShutdownError extends Error {
  override readonly name = 'ExecutorShutdownError' as const;
  readonly code = 'ERR_EXECUTOR_SHUTDOWN' as const;

  constructor(message = 'cannot schedule new futures after shutdown', options?: { cause?: unknown }) {
    super(message, options);
  }
}
