/**
 * Opt-in retries (requests has none; this is urllib3's Retry as users
 * configure it through an HTTPAdapter): idempotent methods only by default,
 * on connection failures, read timeouts, broken bodies and on 429/503,
 * waiting an exponential backoff with jitter, or what Retry-After asks.
 */
import { abortError, type AbortWatch } from './abort.js';
import { ChunkedEncodingError, ConnectionError, ReadTimeout } from './errors.js';
import { DEFAULT_MAX_BACKOFF, DEFAULT_RETRY_METHODS, DEFAULT_RETRY_STATUS_CODES } from './request-defaults.js';
import type { RetryOptions, RetrySpec } from './request-spec.js';
import type { Response } from './response.js';

/**
 * A count or retry options, resolved with every default, once, as the session
 * builds the spec; null when there is nothing to retry (none, or a limit of 0).
 * @throws RangeError for a limit that is not an integer, or a negative delay.
 */
export function resolveRetries(retries: number | RetryOptions | null | undefined): RetrySpec | null {
  if (retries === undefined || retries === null) return null;
  const options = typeof retries === 'number' ? { limit: retries } : retries;
  if (!(options.limit > 0)) return null;
  if (!Number.isInteger(options.limit)) throw new RangeError(`retries.limit must be a non-negative integer, got ${options.limit}`);
  const backoffFactor = options.backoffFactor ?? 0;
  const maxBackoff = options.maxBackoff ?? DEFAULT_MAX_BACKOFF;
  if (!(backoffFactor >= 0)) throw new RangeError(`retries.backoffFactor must be >= 0 seconds, got ${backoffFactor}`);
  if (!(maxBackoff >= 0)) throw new RangeError(`retries.maxBackoff must be >= 0 seconds, got ${maxBackoff}`);
  return {
    limit: options.limit,
    methods: (options.methods ?? DEFAULT_RETRY_METHODS).map((m) => m.toUpperCase()),
    statusCodes: [...(options.statusCodes ?? DEFAULT_RETRY_STATUS_CODES)],
    backoffFactor,
    maxBackoff,
  };
}

/** Failures worth another attempt: the network's, not the request's (a bad URL fails the same way twice). */
export function isRetryableError(error: unknown): boolean {
  return error instanceof ConnectionError || error instanceof ReadTimeout || error instanceof ChunkedEncodingError;
}

/** Seconds a Retry-After header asks for (delta-seconds or an HTTP date), if any. */
export function retryAfterSeconds(response: Response, now = Date.now()): number | undefined {
  const header = response.headers.get('retry-after')?.trim();
  if (!header) return undefined;
  if (/^\d+$/.test(header)) return Number(header);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}

/** Delay before retry number `attempt` (1-based): factor × 2^(attempt-1), full jitter, capped. */
export function backoffSeconds(policy: RetrySpec, attempt: number, random = Math.random): number {
  if (policy.backoffFactor === 0) return 0;
  const exponential = Math.min(policy.maxBackoff, policy.backoffFactor * 2 ** (attempt - 1));
  // Half fixed, half random: spreads a crowd of clients without ever retrying at once.
  return exponential / 2 + random() * (exponential / 2);
}

/** Waits `seconds`, or rejects with the abort once the task is aborted (at once if it already is). */
function sleep(seconds: number, abort: AbortWatch | undefined): Promise<void> {
  if (seconds <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stopWatching?.();
      resolve();
    }, seconds * 1000);
    const stopWatching = abort?.onAbort((reason) => {
      clearTimeout(timer);
      reject(abortError(reason));
    });
  });
}

/**
 * Runs `attempt` until it succeeds, fails in a way not worth retrying, or the
 * limit is reached. A response with a retryable status is retried too; when
 * the retries run out, that last response is returned (not an error), so the
 * caller sees the status as it would without retries.
 */
export function withRetries(
  policy: RetrySpec | null,
  method: string,
  abort: AbortWatch | undefined,
  attempt: () => Promise<Response>,
): Promise<Response> {
  // Without retries, the attempt's own promise: no async frame around it.
  if (!policy || !policy.methods.includes(method)) return attempt();
  return retrying(policy, abort, attempt);
}

async function retrying(policy: RetrySpec, abort: AbortWatch | undefined, attempt: () => Promise<Response>): Promise<Response> {
  for (let retry = 1; ; retry++) {
    let response: Response;
    try {
      response = await attempt();
    } catch (error) {
      if (retry > policy.limit || abort?.aborted || !isRetryableError(error)) throw error;
      await sleep(backoffSeconds(policy, retry), abort);
      continue;
    }
    if (retry > policy.limit || !policy.statusCodes.includes(response.statusCode)) return response;
    const asked = retryAfterSeconds(response);
    await sleep(asked !== undefined ? Math.min(asked, policy.maxBackoff) : backoffSeconds(policy, retry), abort);
  }
}
