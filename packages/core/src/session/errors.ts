/** Using a session after close(), as requests-futures refuses a shut-down executor. */
export class SessionClosedError extends Error {
  override name = 'SessionClosedError';
  readonly code = 'ERR_SESSION_CLOSED';
  constructor(method: string) {
    super(`Cannot call ${method}() on a closed session`);
  }
}
