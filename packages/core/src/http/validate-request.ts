/**
 * Checks done before anything is sent: a header that would let a value
 * inject another header or request (CR/LF), and a method that is not an
 * HTTP token.
 */
import { InvalidHeader } from './errors.js';

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** requests' _HEADER_VALIDATORS_STR: no leading whitespace, no CR, LF or NUL anywhere. */
const VALID_VALUE = /^\S[^\r\n\0]*$|^$/;

export function validateMethod(method: unknown): string {
  if (typeof method !== 'string' || !TOKEN.test(method)) {
    throw new TypeError(`method must be an HTTP token such as 'GET', got ${JSON.stringify(method)}`);
  }
  return method.toUpperCase();
}

export function validateHeader(name: string, value: unknown): void {
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    throw new InvalidHeader(`Invalid header name ${JSON.stringify(name)}: a header name must be an HTTP token (no spaces, CR or LF)`);
  }
  if (typeof value !== 'string') {
    throw new InvalidHeader(`Header ${name} must be a string, got ${value === null ? 'null' : typeof value}`);
  }
  if (!VALID_VALUE.test(value)) {
    throw new InvalidHeader(
      `Invalid leading whitespace, reserved character(s), or return character(s) in header value of ${name}: ${JSON.stringify(value)}`,
    );
  }
}

/**
 * A header value given in `headers` (request or session), as the text to send:
 * a string as it is, a finite number as its decimal text (a convenience:
 * requests refuses an int). Anything else (an object, a list, a boolean, NaN)
 * is requests' InvalidHeader naming the header (its test_header_value_not_str),
 * rather than "[object Object]" on the wire.
 */
export function headerValueText(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  const shown = Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value === 'number' ? String(value) : typeof value;
  throw new InvalidHeader(`Header ${name} must be a string (or a finite number), got ${shown}`);
}

export function validateHeaders(headers: Iterable<[string, unknown]>): void {
  for (const [name, value] of headers) validateHeader(name, value);
}
