/** Using a session after close(), as requests-futures refuses a shut-down executor. */
export class SessionClosedError extends Error {
  override name = 'SessionClosedError';
  readonly code = 'ERR_SESSION_CLOSED';
  constructor(method: string) {
    super(`Cannot call ${method}() on a closed session`);
  }
}

/**
 * requests.cookies.CookieConflictError: `cookies.get(name)` found more than one
 * cookie of that name (on two domains, or two paths); `get(name, { domain, path })` picks one.
 */
export class CookieConflictError extends Error {
  override name = 'CookieConflictError';
  readonly code = 'ERR_COOKIE_CONFLICT';
  constructor(cookieName: string) {
    super(`There are multiple cookies with name, '${cookieName}': pass { domain } or { path } to cookies.get() to choose one`);
  }
}
