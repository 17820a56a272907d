/**
 * got / Node errors → requests' exception classes. The original error stays
 * as `cause`; the message says what failed and for which request.
 */
import {
  ChunkedEncodingError,
  ConnectionError,
  ConnectTimeout,
  ContentDecodingError,
  InvalidHeader,
  InvalidSchema,
  InvalidURL,
  ReadTimeout,
  RequestException,
  SSLError,
  TooManyRedirects,
  type RequestInfo,
} from './errors.js';

/** Where the request was when it failed: before the response headers, or reading the body. */
export type RequestPhase = 'request' | 'body';

const CONNECT_TIMEOUT_EVENTS = new Set(['lookup', 'connect', 'secureConnect']);

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'ETIMEDOUT',
  'EADDRNOTAVAIL',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

const DECODING_CODES = new Set(['Z_DATA_ERROR', 'Z_BUF_ERROR', 'Z_NEED_DICT', 'ERR__ERROR_FORMAT_PARAM', 'ERR_BROTLI_DECOMPRESSION_FAILED']);

function isTlsCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('CERT_') || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.startsWith('ERR_OSSL_');
}

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  event?: string;
  cause?: unknown;
}

/** got wraps Node's error: look at the wrapper and what it wraps. */
function codesOf(error: ErrorLike): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as ErrorLike).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as ErrorLike).cause;
  }
  return codes;
}

/** Fields of a system or got error that explain a failure; everything else stays behind. */
const CAUSE_FIELDS = ['code', 'errno', 'syscall', 'address', 'port', 'hostname', 'event'] as const;

/**
 * got's errors carry their whole Options (agents, sockets, functions) and
 * timings: far too much to send across the process boundary, and not
 * picklable. The cause kept is a copy of the chain with what explains the
 * failure: name, message, stack, code, got's timeout event and the system
 * error underneath.
 */
export function portableCause(error: unknown, depth = 0): unknown {
  if (typeof error !== 'object' || error === null || !('message' in error) || depth > 4) return error;
  const source = error as Error & Record<string, unknown>;
  const inner = source.cause === undefined ? undefined : portableCause(source.cause, depth + 1);
  const copy = new Error(String(source.message), inner === undefined ? undefined : { cause: inner }) as Error & Record<string, unknown>;
  copy.name = String(source.name ?? 'Error');
  if (typeof source.stack === 'string') copy.stack = source.stack;
  for (const field of CAUSE_FIELDS) {
    const value = source[field];
    if (typeof value === 'string' || typeof value === 'number') copy[field] = value;
  }
  return copy;
}

export function mapRequestError(error: unknown, request: RequestInfo, phase: RequestPhase = 'request'): Error {
  if (error instanceof RequestException) return error;
  // Our own error raised inside got (a proxy tunnel's ProxyError) comes back wrapped: unwrap it.
  for (let inner = (error as ErrorLike | undefined)?.cause, depth = 0; inner && depth < 4; inner = (inner as ErrorLike).cause, depth++) {
    if (inner instanceof RequestException) return inner;
  }
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike;
  const target = `${request.method} ${request.url}`;
  const detail = e.message ?? String(error);
  const options = { cause: portableCause(error), request };
  const codes = codesOf(e);
  const has = (predicate: (code: string) => boolean) => codes.some(predicate);

  if (e.name === 'TimeoutError' && typeof e.event === 'string') {
    return CONNECT_TIMEOUT_EVENTS.has(e.event)
      ? new ConnectTimeout(`Connection timed out (${detail}): ${target}`, options)
      : new ReadTimeout(`Read timed out (${detail}): ${target}`, options);
  }
  if (e.name === 'MaxRedirectsError') return new TooManyRedirects(`${detail}: ${target}`, options);
  if (has(isTlsCode)) return new SSLError(`TLS error (${detail}): ${target}`, options);
  if (has((c) => c === 'ERR_UNSUPPORTED_PROTOCOL')) return new InvalidSchema(`No connection adapters were found for '${request.url}'`, options);
  if (has((c) => c === 'ERR_INVALID_URL')) return new InvalidURL(`Invalid URL '${request.url}': ${detail}`, options);
  if (has((c) => c === 'ERR_INVALID_CHAR' || c === 'ERR_INVALID_HTTP_TOKEN' || c === 'ERR_HTTP_INVALID_HEADER_VALUE')) {
    return new InvalidHeader(`Invalid header (${detail}): ${target}`, options);
  }
  // The response's Content-Length is duplicated with values that differ, not a number, or beside
  // chunked encoding: urllib3 refuses such a response as a bad header, and requests raises InvalidHeader.
  if (has((c) => c === 'HPE_UNEXPECTED_CONTENT_LENGTH' || c === 'HPE_INVALID_CONTENT_LENGTH')) {
    return new InvalidHeader(`Invalid Content-Length in the response (${detail}): ${target}`, options);
  }
  if (has((c) => DECODING_CODES.has(c))) {
    return new ContentDecodingError(`Failed to decode the response body (${detail}): ${target}`, options);
  }
  if (phase === 'body') {
    // The connection broke after the headers arrived: requests' ChunkedEncodingError ("Connection broken").
    return new ChunkedEncodingError(`Connection broken while reading the body (${detail}): ${target}`, options);
  }
  if (has((c) => CONNECTION_CODES.has(c))) {
    const code = codes.find((c) => CONNECTION_CODES.has(c));
    return new ConnectionError(`Failed to connect (${code}: ${detail}): ${target}`, options);
  }
  // node's HTTP parser: the server answered something that is not HTTP. requests raises
  // ConnectionError('Connection aborted.', BadStatusLine(...)) for it.
  if (has((c) => c.startsWith('HPE_'))) return new ConnectionError(`Connection aborted, not an HTTP response (${detail}): ${target}`, options);
  // A programming error (bad option type) is not a network failure: let it through as it is.
  if (codes.length === 0 && (error instanceof TypeError || error instanceof RangeError)) return error;
  return new RequestException(`Request failed (${detail}): ${target}`, options);
}
