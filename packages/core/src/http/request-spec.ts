/**
 * A RequestSpec is everything one HTTP request needs, after the session's state
 * has been merged with the per-request options. It is the unit that crosses the
 * process boundary: in a process pool it travels through the serializer, so every
 * field must be picklable (functions only as fnRef).
 */
import type { FnRef } from '@requests-futures/serializer';
import type { FileBody, StreamingData } from './body-source.js';

/** A response hook: in-process any function, across processes an fnRef. */
export type HookFn = ((response: any, ...rest: unknown[]) => unknown) | FnRef;

export type ParamValue = string | number | boolean | null | undefined;
/** A form field's value: bytes are sent as they are (requests sends a `bytes` value unchanged). */
export type FormValue = ParamValue | Uint8Array;
export type Params = Record<string, ParamValue | ParamValue[]> | Array<[string, ParamValue]> | string;

/** One file part of a multipart body, as in requests' `files={'name': (filename, content, contentType)}`. */
export interface FilePart {
  filename?: string;
  content: string | Uint8Array;
  contentType?: string;
}
/**
 * requests' tuple form `(filename, content, content_type, headers)`. A null
 * filename sends a plain form field (requests' `(None, 'value')` idiom).
 * Per-part headers are not supported (a TypeError when given and not empty).
 */
export type FileTuple = [filename: string | null, content: string | Uint8Array, contentType?: string | null, headers?: Record<string, string>];
/** A null (or undefined) entry is skipped, as requests skips None. */
export type FilesOption = Record<string, FilePart | FileTuple | string | Uint8Array | null | undefined>;

/** requests' "list of tuples": form fields in order, a key may repeat. */
export type FormPairs = Array<[string, FormValue]>;
/**
 * `data`: form fields (object or pairs), a raw body (string, bytes), a file
 * read where the request runs (`{ path }`), or, in-process only, a stream.
 */
export type DataOption = Record<string, FormValue | FormValue[]> | FormPairs | string | Uint8Array | FileBody | StreamingData | null;

/** requests' `timeout`: seconds, or `[connect, read]`; null means no timeout. */
export type TimeoutOption = number | [number | null, number | null] | null;

/** Retries are opt-in (requests has none). */
export interface RetryOptions {
  limit: number;
  /** Methods retried; default: idempotent ones. */
  methods?: string[];
  /** Status codes retried; default [429, 503]. */
  statusCodes?: number[];
  /** Base delay in seconds for exponential backoff with jitter. */
  backoffFactor?: number;
  /** Upper bound of one delay, seconds. */
  maxBackoff?: number;
}

export interface PoolOptions {
  /** Sockets per origin. */
  maxSize: number;
  /** When true, requests wait for a free socket instead of opening more (got/Node agents always queue, so this is informational for parity). */
  block: boolean;
}

export interface RequestSpec {
  method: string;
  /** Absolute URL, already validated (scheme http/https) by the session. */
  url: string;
  /** Merged session + request params, appended to the URL's query. */
  params?: Params;
  /** Merged headers; a null value removes a session header (requests semantics). */
  headers: Record<string, string>;
  /** Form data (object → urlencoded), or a raw body (string / bytes). */
  data?: DataOption;
  json?: unknown;
  files?: FilesOption | null;
  auth?: [string, string] | null;
  timeout?: TimeoutOption;
  allowRedirects: boolean;
  maxRedirects: number;
  /** true, false, or a path to a CA bundle. */
  verify: boolean | string;
  /** e.g. { http: 'http://127.0.0.1:3128', https: ... } */
  proxies?: Record<string, string> | null;
  hooks: { response: HookFn[] };
  /** Deprecated upstream; kept for parity. */
  backgroundCallback?: HookFn | null;
  stream?: boolean;
  /** Cap on the decompressed body size, bytes. */
  maxResponseBytes?: number | null;
  /** Stream the body to this file (atomically) instead of memory. */
  saveTo?: string | null;
  resume?: boolean;
  /** Lower-case hex sha256 the body must have. */
  expectedSha256?: string | null;
  /** false: a saved body is not hashed. Default true. */
  checksum?: boolean;
  /** The directory saveTo must stay inside (see save-within.ts). */
  saveWithin?: string | null;
  retries?: RetryOptions | null;
  /**
   * The cookies this request may send: a tough-cookie `CookieJar.serializeSync()`
   * snapshot of session cookies plus the request's own `cookies`.
   */
  cookieJar?: unknown | null;
  pool: PoolOptions;
}
