/**
 * Names node:http's failures after requests' exception classes, so `rf bench`
 * reports the same kinds ("ConnectionError", "ReadTimeout"...) whichever
 * client sent the requests. The naming is the engine's own (core's
 * mapRequestError), so a user reads one vocabulary.
 */
import { mapRequestError, type RequestPhase } from '@requests-futures/core/internal';
import { errorClassName } from '../util/format.js';

/** Only the exception's class is kept, so the request it names does not matter. */
const ANY_REQUEST = { method: 'GET', url: 'http://load.invalid/' };

/**
 * The error a timed-out request is destroyed with, shaped as got's
 * TimeoutError (name and event), which the engine tells apart as requests
 * does: connect or read.
 */
export function loadTimeoutError(connecting: boolean): Error {
  const error = new Error(connecting ? 'connect timed out' : 'read timed out');
  return Object.assign(error, { name: 'TimeoutError', event: connecting ? 'connect' : 'socket', code: 'ETIMEDOUT' });
}

/** `phase`: 'body' once the response headers arrived (a broken body is a ChunkedEncodingError). */
export function httpErrorKind(error: unknown, phase: RequestPhase = 'request'): string {
  // Every address of a host refused: the first cause names the kind.
  if (error instanceof AggregateError && error.errors.length > 0 && (error as { code?: unknown }).code === undefined) {
    return httpErrorKind(error.errors[0], phase);
  }
  const mapped = mapRequestError(error, ANY_REQUEST, phase);
  return mapped === error ? errorClassName(error) : mapped.name;
}
