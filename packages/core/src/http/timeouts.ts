/**
 * requests' `timeout` (seconds, or [connect, read]) in got's terms: the
 * connect part bounds DNS lookup, TCP connect and the TLS handshake; the read
 * part is the socket's idle time, which is what requests' read timeout is
 * (time between bytes), not got's `read` (the whole body).
 *
 * The checks live here, once: the session runs them when a timeout is given
 * (constructor, setter, request option) and the engine again where the request
 * runs, so both executors refuse the same values with the same error.
 */
import type { TimeoutOption } from './request-spec.js';

export interface GotTimeouts {
  lookup?: number;
  connect?: number;
  secureConnect?: number;
  socket?: number;
}

/** The longest delay setTimeout honours; above it Node warns (TimeoutOverflowWarning) and fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** The largest finite timeout, in seconds (about 24.8 days). */
export const MAX_TIMEOUT_SECONDS = MAX_TIMER_MS / 1000;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value === 'bigint' ? `bigint ${String(value)}n` : typeof value;
}

/**
 * One part in milliseconds; undefined for no timer (null, or Infinity as requests' "wait forever").
 * @throws TypeError when it is not a number, RangeError when it is negative, NaN or too large for a timer.
 */
function partToMilliseconds(seconds: unknown, label: string): number | undefined {
  if (seconds === null || seconds === undefined) return undefined;
  if (typeof seconds !== 'number') throw new TypeError(`${label} must be a number of seconds or null, got ${describe(seconds)}`);
  if (Number.isNaN(seconds) || seconds < 0) {
    throw new RangeError(`${label} must be a non-negative number of seconds or null, got ${String(seconds)}`);
  }
  if (seconds === Infinity) return undefined;
  if (seconds > MAX_TIMEOUT_SECONDS) {
    throw new RangeError(
      `${label} must be at most ${MAX_TIMEOUT_SECONDS} seconds (2^31-1 ms, the longest timer Node can set), got ${String(seconds)}; use null or Infinity for no timeout`,
    );
  }
  // got treats 0 as "no timer"; the smallest real bound is 1 ms.
  return Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(seconds * 1000)));
}

/**
 * Checks a timeout (`option` names it in errors) and returns its connect and read parts in milliseconds.
 * @throws TypeError for a wrong type (a string, an array that is not a pair), RangeError for a wrong number.
 */
export function timeoutMilliseconds(timeout: unknown, option = 'timeout'): { connect?: number; read?: number } {
  if (timeout === undefined || timeout === null) return {};
  let parts: [connect: unknown, read: unknown, connectLabel: string, readLabel: string];
  if (Array.isArray(timeout)) {
    if (timeout.length !== 2) throw new TypeError(`${option} must be seconds or a [connect, read] pair, got an array of ${timeout.length}`);
    parts = [timeout[0], timeout[1], `${option} (connect)`, `${option} (read)`];
  } else if (typeof timeout === 'number') {
    parts = [timeout, timeout, option, option];
  } else {
    throw new TypeError(`${option} must be a number of seconds, a [connect, read] pair or null, got ${describe(timeout)}`);
  }
  const connect = partToMilliseconds(parts[0], parts[2]);
  const read = partToMilliseconds(parts[1], parts[3]);
  return { ...(connect !== undefined ? { connect } : {}), ...(read !== undefined ? { read } : {}) };
}

export function toGotTimeouts(timeout: TimeoutOption | undefined): GotTimeouts {
  const { connect, read } = timeoutMilliseconds(timeout);
  const out: GotTimeouts = {};
  if (connect !== undefined) Object.assign(out, { lookup: connect, connect, secureConnect: connect });
  if (read !== undefined) out.socket = read;
  return out;
}
