/**
 * requests' `timeout` (seconds, or [connect, read]) in got's terms: the
 * connect part bounds DNS lookup, TCP connect and the TLS handshake; the read
 * part is the socket's idle time, which is what requests' read timeout is
 * (time between bytes), not got's `read` (the whole body).
 */
import type { TimeoutOption } from './request-spec.js';

export interface GotTimeouts {
  lookup?: number;
  connect?: number;
  secureConnect?: number;
  socket?: number;
}

function toMilliseconds(seconds: number | null, part: string): number | undefined {
  if (seconds === null || seconds === undefined) return undefined;
  if (typeof seconds !== 'number' || Number.isNaN(seconds) || seconds < 0) {
    throw new RangeError(`timeout (${part}) must be a non-negative number of seconds or null, got ${String(seconds)}`);
  }
  if (seconds === Infinity) return undefined;
  // got treats 0 as "no timer"; the smallest real bound is 1 ms.
  return Math.max(1, Math.ceil(seconds * 1000));
}

export function toGotTimeouts(timeout: TimeoutOption | undefined): GotTimeouts {
  if (timeout === undefined || timeout === null) return {};
  let connectSeconds: number | null;
  let readSeconds: number | null;
  if (Array.isArray(timeout)) {
    if (timeout.length !== 2) {
      throw new TypeError(`timeout must be seconds or a [connect, read] pair, got an array of ${timeout.length}`);
    }
    [connectSeconds, readSeconds] = timeout;
  } else {
    connectSeconds = timeout;
    readSeconds = timeout;
  }
  const connect = toMilliseconds(connectSeconds, 'connect');
  const read = toMilliseconds(readSeconds, 'read');
  const out: GotTimeouts = {};
  if (connect !== undefined) Object.assign(out, { lookup: connect, connect, secureConnect: connect });
  if (read !== undefined) out.socket = read;
  return out;
}
