/**
 * Names undici's failures after requests' exception classes, so `rf bench`
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
  // undici: the other side closed the socket mid-request.
  'UND_ERR_SOCKET',
]);

const KIND_BY_CODE: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'ConnectTimeout',
  UND_ERR_HEADERS_TIMEOUT: 'ReadTimeout',
  UND_ERR_BODY_TIMEOUT: 'ReadTimeout',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'ChunkedEncodingError',
  UND_ERR_INVALID_ARG: 'InvalidArgumentError',
  UND_ERR_NOT_SUPPORTED: 'NotSupportedError',
};

/** TLS failures: certificate checks (node's X.509 codes) and handshake errors. */
function isTlsCode(code: string): boolean {
  return code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.includes('CERT') || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE';
}

export function undiciErrorKind(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (CONNECTION_CODES.has(code)) return 'ConnectionError';
    const kind = KIND_BY_CODE[code];
    if (kind !== undefined) return kind;
    if (isTlsCode(code)) return 'SSLError';
  }
  // An AggregateError (every address of a host refused) carries the causes; the first names the kind.
  if (error instanceof AggregateError && error.errors.length > 0) return undiciErrorKind(error.errors[0]);
  return errorClassName(error);
}
