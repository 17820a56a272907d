/**
 * Names node:http's failures after requests' exception classes, so `rf bench`
 * reports the same kinds ("ConnectionError", "ReadTimeout"...) whichever
 * client sent the requests, and a user reads one vocabulary.
 */
import { errorClassName } from '../util/format.js';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

const KIND_BY_CODE: Record<string, string> = {
  RF_CONNECT_TIMEOUT: 'ConnectTimeout',
  RF_READ_TIMEOUT: 'ReadTimeout',
  // The server closed a response before its declared length.
  ERR_STREAM_PREMATURE_CLOSE: 'ChunkedEncodingError',
  HPE_INVALID_CHUNK_SIZE: 'ChunkedEncodingError',
};

/** The error a timed-out request is destroyed with: connect or read, as requests tells them apart. */
export function loadTimeoutError(connecting: boolean): Error {
  const error = new Error(connecting ? 'connect timed out' : 'read timed out');
  return Object.assign(error, { code: connecting ? 'RF_CONNECT_TIMEOUT' : 'RF_READ_TIMEOUT' });
}

/** TLS failures: certificate checks (node's X.509 codes) and handshake errors. */
function isTlsCode(code: string): boolean {
  return code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.includes('CERT') || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE';
}

export function httpErrorKind(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (CONNECTION_CODES.has(code)) return 'ConnectionError';
    const kind = KIND_BY_CODE[code];
    if (kind !== undefined) return kind;
    if (isTlsCode(code)) return 'SSLError';
    // node's HTTP parser: the server answered something that is not HTTP.
    if (code.startsWith('HPE_')) return 'ConnectionError';
  }
  // An AggregateError (every address of a host refused) carries the causes; the first names the kind.
  if (error instanceof AggregateError && error.errors.length > 0) return httpErrorKind(error.errors[0]);
  return errorClassName(error);
}
