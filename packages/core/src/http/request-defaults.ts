/**
 * The defaults of a request's settings, each defined here once and applied
 * once, by the session's buildSpec (session/merge.ts, retry.ts resolveRetries):
 * the engine reads a RequestSpec as it is. No imports, so that the CLI can read
 * them (`@requests-futures/core/request-defaults`) without loading the engine.
 */

/** requests.Session's default redirect limit (got's is 10). */
export const DEFAULT_MAX_REDIRECTS = 30;
/** requests' default pool size per origin (HTTPAdapter pool_maxsize); a session raises it to its executor's capacity. */
export const DEFAULT_POOL_SIZE = 10;
/** urllib3's Retry.DEFAULT_ALLOWED_METHODS. */
export const DEFAULT_RETRY_METHODS: readonly string[] = ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE'];
/** The statuses retried unless `statusCodes` says otherwise: rate limited, overloaded. */
export const DEFAULT_RETRY_STATUS_CODES: readonly number[] = [429, 503];
/** urllib3's DEFAULT_BACKOFF_MAX, seconds. */
export const DEFAULT_MAX_BACKOFF = 120;
