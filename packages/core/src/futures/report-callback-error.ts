/**
 * A done callback or abort handler that throws belongs to user code running
 * inside our state machine: it must not break the transition, the other
 * callbacks, or the process. Python logs it; we emit a process warning, which
 * is visible by default and observable with `process.on('warning', ...)`.
 */

export const CALLBACK_WARNING_NAME = 'FutureCallbackWarning';
export const CALLBACK_WARNING_CODE = 'ERR_FUTURE_CALLBACK';

export function reportCallbackError(error: unknown, where: string): void {
  const isError = error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error);
  const summary = isError ? `${(error as Error).name}: ${(error as Error).message}` : String(error);
  try {
    // The string form with our own type and code: an Error would be reported under its own name,
    // and listeners could not tell a callback's failure from any other warning.
    process.emitWarning(`exception calling ${where}: ${summary}`, {
      type: CALLBACK_WARNING_NAME,
      code: CALLBACK_WARNING_CODE,
      detail: isError ? (error as Error).stack : undefined,
    });
  } catch {
    // Reporting must never become the failure it reports.
  }
}
