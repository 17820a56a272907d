/**
 * Checks on what users pass, so a typo or a wrong type fails at once with a
 * TypeError/RangeError that names the option, instead of deep inside got.
 */
import { isFnRef } from '@requests-futures/serializer';
import { isAuthBase } from '../http/auth.js';
import { timeoutMilliseconds } from '../http/timeouts.js';
import { REQUEST_OPTION_NAMES, type RequestOptions } from './options.js';

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Uint8Array) return 'Uint8Array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

function expect(ok: boolean, option: string, wanted: string, value: unknown): void {
  if (!ok) throw new TypeError(`Request option '${option}' must be ${wanted}, got ${typeName(value)}`);
}

const isPairList = (v: unknown): boolean => Array.isArray(v) && v.every((item) => Array.isArray(item) && item.length === 2 && typeof item[0] === 'string');

const isPlainRecord = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/** A URL object: what got and fetch accept besides a string. */
export function isUrlObject(value: unknown): value is URL {
  return value instanceof URL;
}

function describeArgument(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeName(value);
}

/**
 * The request's URL argument as text, checked at the call: a string or a URL object.
 * @throws TypeError naming the argument for anything else (a number, undefined, null, an object).
 */
export function urlArgument(url: unknown, argument = 'url'): string {
  if (typeof url === 'string') return url;
  if (isUrlObject(url)) return url.href;
  throw new TypeError(`${argument} must be a string or a URL, got ${describeArgument(url)}`);
}

/** The method argument, checked at the call (the engine checks that it is an HTTP token). */
export function methodArgument(method: unknown): string {
  if (typeof method === 'string') return method;
  throw new TypeError(`method must be a string such as 'GET', got ${describeArgument(method)}`);
}

/** The same rules as the engine's (http/timeouts.ts), checked when the timeout is given. */
export function validateTimeout(timeout: unknown, option = 'timeout'): void {
  timeoutMilliseconds(timeout, option);
}

/** requests' auth: a (user, password) pair, an AuthBase (HTTPDigestAuth...), a callable, or here an fnRef; or null. */
export function validateAuth(value: unknown, option = 'auth'): void {
  const pair = Array.isArray(value) && value.length === 2 && value.every((p) => typeof p === 'string');
  if (value === null || value === undefined || pair || typeof value === 'function' || isFnRef(value) || isAuthBase(value)) return;
  throw new TypeError(`${option} must be a [user, password] pair of strings, an AuthBase such as HTTPDigestAuth, a function (request) => request, an fnRef or null, got ${typeName(value)}`);
}

/** requests' cert: a PEM file path, or a [certificate file, key file] pair; or null. */
export function validateCert(value: unknown, option = 'cert'): void {
  const isPath = (v: unknown) => typeof v === 'string' && v.length > 0;
  if (value === null || value === undefined || isPath(value) || (Array.isArray(value) && value.length === 2 && value.every(isPath))) return;
  throw new TypeError(`${option} must be a PEM file path or a [certificate file, key file] pair, got ${typeName(value)}`);
}

export function validatePositiveInteger(value: unknown, option: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${option} must be an integer >= 1, got ${String(value)}`);
  }
}

export function validateRequestOptions(options: RequestOptions | undefined): void {
  if (options === undefined) return;
  if (!isPlainRecord(options)) throw new TypeError(`Request options must be an object, got ${typeName(options)}`);
  for (const [key, value] of Object.entries(options)) {
    if (!REQUEST_OPTION_NAMES.has(key)) {
      throw new TypeError(`Unknown request option '${key}'`);
    }
    if (value === undefined) continue;
    switch (key) {
      case 'headers':
      case 'cookies':
      case 'files':
      case 'hooks':
        expect(isPlainRecord(value), key, 'an object', value);
        break;
      case 'proxies':
        expect(value === null || isPlainRecord(value), key, 'an object or null', value);
        break;
      case 'auth':
        validateAuth(value, "Request option 'auth'");
        break;
      case 'allowRedirects':
      case 'stream':
      case 'http2':
      case 'resume':
      case 'checksum':
        expect(typeof value === 'boolean', key, 'a boolean', value);
        break;
      case 'verify':
        expect(typeof value === 'boolean' || typeof value === 'string', key, 'a boolean or a CA bundle path', value);
        break;
      case 'timeout':
        validateTimeout(value);
        break;
      case 'cert':
        validateCert(value, "Request option 'cert'");
        break;
      case 'data':
        expect(value === null || typeof value === 'string' || value instanceof Uint8Array || isPlainRecord(value) || isPairList(value),
          key, 'an object, a list of [key, value] pairs, a string, bytes, { path }, a Readable, an async iterable or a Blob', value);
        break;
      case 'params':
        expect(typeof value === 'string' || Array.isArray(value) || isPlainRecord(value), key,
          'an object, a list of pairs or a string', value);
        break;
      case 'signal':
        expect(value instanceof AbortSignal, key, 'an AbortSignal', value);
        break;
      case 'saveTo':
        expect(value === null || (typeof value === 'string' && value.length > 0), key, 'a file path', value);
        break;
      case 'expectedSha256':
        if (typeof value === 'string' && !SHA256_HEX.test(value)) {
          throw new TypeError(`Request option 'expectedSha256' must be 64 hex digits, got ${JSON.stringify(value.slice(0, 80))} (${value.length} characters)`);
        }
        expect(typeof value === 'string', key, 'a sha256 of 64 hex digits', value);
        break;
      case 'saveWithin':
        expect(typeof value === 'string' && value.length > 0, key, 'a directory path', value);
        break;
      case 'maxResponseBytes':
        expect(value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 0), key,
          'a non-negative integer', value);
        break;
      case 'retries':
        expect(value === null || (typeof value === 'number' && Number.isInteger(value) && value >= 0) || isPlainRecord(value),
          key, 'a count or retry options', value);
        break;
      case 'backgroundCallback':
        expect(value === null || typeof value === 'function' || typeof value === 'object', key, 'a function', value);
        break;
      default:
        break;
    }
  }
  validateDownloadOptions(options);
}

const SHA256_HEX = /^[0-9a-f]{64}$/i;

/** Combinations of the download options that cannot mean anything. */
function validateDownloadOptions(options: RequestOptions): void {
  if (options.expectedSha256 !== undefined && options.checksum === false) {
    throw new TypeError("Request options 'expectedSha256' and 'checksum: false' contradict each other: checking a digest needs the body hashed");
  }
  const saves = options.saveTo !== undefined && options.saveTo !== null;
  if (options.stream === true && options.expectedSha256 !== undefined && options.expectedSha256 !== null && !saves) {
    throw new TypeError("Request options 'stream: true' and 'expectedSha256' without 'saveTo' cannot go together: the caller reads a streamed body, after the digest would be checked");
  }
  if (options.saveWithin !== undefined && (options.saveTo === undefined || options.saveTo === null)) {
    throw new TypeError("Request option 'saveWithin' needs 'saveTo': it is the directory saveTo must stay inside");
  }
}
