/**
 * requests' exception hierarchy (requests.exceptions), with a stable `code`
 * per class. Every class is registered with the serializer so a rejection
 * that happened in a child process is still `instanceof` the same class in
 * the coordinator.
 */
import { registerErrorClass } from '@requests-futures/serializer';

/** The request an error is about (never the body: errors must stay small). */
export interface RequestInfo {
  method: string;
  url: string;
}

export interface RequestExceptionOptions {
  cause?: unknown;
  request?: RequestInfo;
  /** The Response this error is about (HTTPError, TooManyRedirects). Typed loosely to avoid an import cycle. */
  response?: unknown;
}

export class RequestException extends Error {
  override name = 'RequestException';
  code = 'ERR_REQUEST';
  // `declare`: no class-field initialiser, so the property exists only when set.
  declare request?: RequestInfo;
  declare response?: unknown;

  constructor(message: string, options: RequestExceptionOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // Assigned only when given, so a decoded error has exactly the fields the original had.
    if (options.request !== undefined) this.request = options.request;
    if (options.response !== undefined) this.response = options.response;
  }
}

export class ConnectionError extends RequestException {
  override name = 'ConnectionError';
  override code = 'ERR_CONNECTION';
}

export class Timeout extends RequestException {
  override name = 'Timeout';
  override code = 'ERR_TIMEOUT';

  /**
   * requests' ConnectTimeout derives from both ConnectionError and Timeout.
   * JavaScript has single inheritance, so ConnectTimeout extends
   * ConnectionError and Timeout claims its instances here.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    return this === Timeout && Function.prototype[Symbol.hasInstance].call(ConnectTimeout, value);
  }
}

export class ConnectTimeout extends ConnectionError {
  override name = 'ConnectTimeout';
  override code = 'ERR_CONNECT_TIMEOUT';
}

export class ReadTimeout extends Timeout {
  override name = 'ReadTimeout';
  override code = 'ERR_READ_TIMEOUT';
}

export class SSLError extends ConnectionError {
  override name = 'SSLError';
  override code = 'ERR_SSL';
}

export class ProxyError extends ConnectionError {
  override name = 'ProxyError';
  override code = 'ERR_PROXY';
}

export class TooManyRedirects extends RequestException {
  override name = 'TooManyRedirects';
  override code = 'ERR_TOO_MANY_REDIRECTS';
}

export class HTTPError extends RequestException {
  override name = 'HTTPError';
  override code = 'ERR_HTTP_STATUS';
}

export class InvalidURL extends RequestException {
  override name = 'InvalidURL';
  override code = 'ERR_INVALID_URL';
}

export class MissingSchema extends RequestException {
  override name = 'MissingSchema';
  override code = 'ERR_MISSING_SCHEMA';
}

export class InvalidSchema extends RequestException {
  override name = 'InvalidSchema';
  override code = 'ERR_INVALID_SCHEMA';
}

export class InvalidHeader extends RequestException {
  override name = 'InvalidHeader';
  override code = 'ERR_INVALID_HEADER';
}

/** The body grew past `maxResponseBytes` (counted after decompression). */
export class ContentTooLarge extends RequestException {
  override name = 'ContentTooLarge';
  override code = 'ERR_CONTENT_TOO_LARGE';
}

/** requests.exceptions.InvalidJSONError: a `json` body that JSON cannot represent (NaN, Infinity), as Python's json.dumps(allow_nan=False) refuses it. */
export class InvalidJSONError extends RequestException {
  override name = 'InvalidJSONError';
  override code = 'ERR_INVALID_JSON';
}

/** requests.exceptions.JSONDecodeError: `response.json()` on a body that is not JSON (an InvalidJSONError, as in requests). */
export class JSONDecodeError extends InvalidJSONError {
  override name = 'JSONDecodeError';
  override code = 'ERR_JSON_DECODE';
  /** The text that was not JSON (Python's JSONDecodeError.doc); the message never quotes it. */
  declare doc?: string;
  /** Where parsing failed, when known (Python's JSONDecodeError.pos). */
  declare pos?: number;
}

/** A failure while reading or writing the body that is none of the above (requests' ChunkedEncodingError and friends). */
export class ChunkedEncodingError extends RequestException {
  override name = 'ChunkedEncodingError';
  override code = 'ERR_CHUNKED_ENCODING';
}

/** The body claimed an encoding (gzip, deflate, br) that did not decode. */
export class ContentDecodingError extends RequestException {
  override name = 'ContentDecodingError';
  override code = 'ERR_CONTENT_DECODING';
}

/** A downloaded body whose sha256 is not the `expectedSha256` the caller gave: nothing is saved under the target name. */
export class ChecksumMismatch extends RequestException {
  override name = 'ChecksumMismatch';
  override code = 'ERR_CHECKSUM_MISMATCH';
}

/**
 * A body that ended cleanly but short of what the server declared (its
 * Content-Length, or the total of its Content-Range). A ConnectionError, so
 * it is retried like a dropped connection; with `resume` the part file keeps
 * what arrived and the retry asks for the rest.
 */
export class IncompleteDownload extends ConnectionError {
  override name = 'IncompleteDownload';
  override code = 'ERR_INCOMPLETE_DOWNLOAD';
}

/** `saveTo` would write outside `saveWithin`, through a symlink, or where a directory is needed but something else is. */
export class UnsafePath extends RequestException {
  override name = 'UnsafePath';
  override code = 'ERR_UNSAFE_PATH';
}

/** Another live process (or another request of this one) is writing this resumable part file. */
export class PartFileBusy extends RequestException {
  override name = 'PartFileBusy';
  override code = 'ERR_PART_FILE_BUSY';
}

/**
 * requests' StreamConsumedError: the body of a streamed response was already
 * read to its end by iteration (or closed), so it cannot be read again.
 */
export class StreamConsumedError extends RequestException {
  override name = 'StreamConsumedError';
  override code = 'ERR_STREAM_CONSUMED';
}

/**
 * `content`, `text` or `json()` of a `stream: true` response whose body has not
 * been read yet: reading a socket cannot be synchronous, so `await response.read()` first.
 */
export class ContentNotRead extends RequestException {
  override name = 'ContentNotRead';
  override code = 'ERR_CONTENT_NOT_READ';
}

/** requests' UnrewindableBodyError: a streamed request body (a Readable, an iterator) had to be sent again (307/308, a retry). */
export class UnrewindableBodyError extends RequestException {
  override name = 'UnrewindableBodyError';
  override code = 'ERR_UNREWINDABLE_BODY';
}

const ERROR_CLASSES = {
  RequestException,
  ConnectionError,
  Timeout,
  ConnectTimeout,
  ReadTimeout,
  SSLError,
  ProxyError,
  TooManyRedirects,
  HTTPError,
  InvalidURL,
  MissingSchema,
  InvalidSchema,
  InvalidHeader,
  ContentTooLarge,
  InvalidJSONError,
  JSONDecodeError,
  ChunkedEncodingError,
  ContentDecodingError,
  ChecksumMismatch,
  IncompleteDownload,
  UnsafePath,
  PartFileBusy,
  StreamConsumedError,
  ContentNotRead,
  UnrewindableBodyError,
};

for (const [name, cls] of Object.entries(ERROR_CLASSES)) {
  registerErrorClass(cls, `rf.${name}`);
}
