/**
 * A RequestSpec is everything one HTTP request needs, after the session's state
 * has been merged with the per-request options. It is the unit that crosses the
 * process boundary: in a process pool it travels through the serializer, so every
 * field must be picklable (functions only as fnRef).
 */
import type { FnRef } from '@requests-futures/serializer';
import type { FileBody, StreamingData } from './body-source.js';
import type { SpecAuth } from './auth.js';
import type { NetrcEnvironment } from './netrc.js';
import type { TravellingContext } from '../context/registered-contexts.js';
import { DEFAULT_MAX_REDIRECTS } from './request-defaults.js';
import { version } from '../version.js';

/** A response hook: in-process any function, across processes an fnRef. */
export type HookFn = ((response: any, ...rest: unknown[]) => unknown) | FnRef;

export type ParamValue = string | number | boolean | null | undefined;
/** A form field's value: bytes are sent as they are (requests sends a `bytes` value unchanged). */
export type FormValue = ParamValue | Uint8Array;
export type Params = Record<string, ParamValue | ParamValue[]> | Array<[string, ParamValue]> | string;

/**
 * What a file part may hold: text, bytes, a file read where the request runs
 * (`{ path }`), or a stream (a Readable, an async iterable of bytes, a Blob,
 * an opened file), which a ProcessPoolExecutor child pulls from the coordinator.
 */
export type FileContent = string | Uint8Array | FileBody | StreamingData;
/** One file part of a multipart body, as in requests' `files={'name': (filename, content, contentType, headers)}`. */
export interface FilePart {
  filename?: string;
  content: FileContent;
  contentType?: string;
  /** The part's own headers, sent after Content-Disposition and Content-Type (requests' 4th tuple element). */
  headers?: Record<string, string>;
}
/**
 * requests' tuple form `(filename, content, content_type, headers)`. A null
 * filename sends a plain form field (requests' `(None, 'value')` idiom);
 * `headers` are the part's own (a Content-Type there is used when `contentType` is not given).
 */
export type FileTuple = [filename: string | null, content: FileContent, contentType?: string | null, headers?: Record<string, string>];
/** A null (or undefined) entry is skipped, as requests skips None. A bare `{ path }` part is named after the file's base name. */
export type FilesOption = Record<string, FilePart | FileTuple | FileContent | null | undefined>;

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
  /** Methods retried; default: idempotent ones (request-defaults.ts DEFAULT_RETRY_METHODS). */
  methods?: string[];
  /** Status codes retried; default DEFAULT_RETRY_STATUS_CODES. */
  statusCodes?: number[];
  /** Base delay in seconds for exponential backoff with jitter; default 0. */
  backoffFactor?: number;
  /** Upper bound of one delay, seconds; default DEFAULT_MAX_BACKOFF. */
  maxBackoff?: number;
}

/** RetryOptions with every default applied and the methods upper-cased (retry.ts resolveRetries). */
export type RetrySpec = Required<RetryOptions>;

/** requests' `cert`: a PEM file with the certificate and key, or [certificate file, key file]. */
export type ClientCert = string | [string, string];

export interface PoolOptions {
  /** Sockets per origin. */
  maxSize: number;
  /** urllib3's pool_block. true: at most maxSize sockets, requests wait for a free one; false: more are opened when all are busy, and only maxSize are kept idle. */
  block: boolean;
}

/**
 * Every field is set: buildSpec resolves the session's and the request's
 * settings and their defaults, and the engine never applies a default again.
 * "None" is null, never undefined, which the serializer would have to annotate.
 */
export interface RequestSpec {
  /** Upper-case. */
  method: string;
  /** Absolute URL, already validated (scheme http/https) by the session. */
  url: string;
  /** Merged session + request params, appended to the URL's query. */
  params: Params | null;
  /** Merged headers; a null value removes a session header (requests semantics). */
  headers: Record<string, string>;
  /** Form data (object → urlencoded), or a raw body (string / bytes). */
  data: DataOption;
  /** null: no JSON body (requests' json=None). */
  json: unknown;
  files: FilesOption | null;
  /** A Basic pair, HTTPDigestAuth's credentials, an AuthBase or a function in-process, or an fnRef. */
  auth: SpecAuth | null;
  timeout: TimeoutOption;
  allowRedirects: boolean;
  maxRedirects: number;
  /** true, false, or a path to a CA bundle. */
  verify: boolean | string;
  /** A client certificate for TLS, as requests' `cert`, with absolute paths. */
  cert: ClientCert | null;
  /** e.g. { http: 'http://127.0.0.1:3128', https: ... } */
  proxies: Record<string, string> | null;
  /**
   * trustEnv: the coordinator's environment proxies (`http`, `https`, `all`,
   * `no`), which each redirect hop re-resolves against (requests' resolve_proxies).
   */
  environmentProxies: Record<string, string> | null;
  /**
   * trustEnv: where the coordinator finds its netrc file, so a redirect to
   * another host is sent with that host's netrc credentials (requests' rebuild_auth).
   */
  netrcEnvironment: NetrcEnvironment | null;
  hooks: { response: HookFn[] };
  /** Deprecated upstream; kept for parity. */
  backgroundCallback: HookFn | null;
  stream: boolean;
  /** HTTP/2 where the server's ALPN offers it (https only, not through a proxy). */
  http2: boolean;
  /** Cap on the decompressed body size, bytes. */
  maxResponseBytes: number | null;
  /** Stream the body to this file (atomically) instead of memory. */
  saveTo: string | null;
  resume: boolean;
  /** Lower-case hex sha256 the body must have. */
  expectedSha256: string | null;
  /** false: a saved body is not hashed. */
  checksum: boolean;
  /** The directory saveTo must stay inside (see save-within.ts). */
  saveWithin: string | null;
  retries: RetrySpec | null;
  /**
   * The cookies this request may send: a tough-cookie `CookieJar.serializeSync()`
   * snapshot of session cookies plus the request's own `cookies`.
   */
  cookieJar: unknown;
  pool: PoolOptions;
  /**
   * session.mount: every mounted prefix's pool, longest first, when the session
   * has more than its two defaults (else null), so a redirect hop onto another prefix uses that prefix's pool.
   */
  mountedPools: Array<[prefix: string, pool: PoolOptions]> | null;
  /** The caller's registered AsyncLocalStorage contexts, entered where the request runs (set only for a child process). */
  contexts: TravellingContext[] | null;
}

/**
 * A spec as it crosses to a child process: without the fields that hold their
 * default (null, or the value buildSpec gives an option nobody set). A plain
 * GET of a session with its default headers keeps a handful of its 31 fields; the rest made most of its JSON text, which the
 * coordinator writes (JSON.stringify was ~10 % of its CPU per small GET,
 * benchmarks/README.md #14) and the child parses.
 */
export type CrossingSpec = Partial<RequestSpec> & Pick<RequestSpec, 'method' | 'url' | 'pool'>;

/** A session's headers until it changes them (requests' default_headers). */
export function defaultHeaders(): Record<string, string> {
  return {
    'User-Agent': `requests-futures-ts/${version}`,
    'Accept-Encoding': 'gzip, deflate, br',
    Accept: '*/*',
    Connection: 'keep-alive',
  };
}

const DEFAULT_HEADER_ENTRIES: ReadonlyArray<readonly [string, string]> = Object.entries(defaultHeaders());

/** The very headers defaultHeaders() makes, in its order: a session nobody gave headers sends these on every request. */
function areDefaultHeaders(headers: RequestSpec['headers']): boolean {
  let index = 0;
  for (const name in headers) {
    const expected = DEFAULT_HEADER_ENTRIES[index++];
    if (expected === undefined || expected[0] !== name || expected[1] !== headers[name]) return false;
  }
  return index === DEFAULT_HEADER_ENTRIES.length;
}

/**
 * In the coordinator: the spec without its defaults (it shares the spec's
 * values, which must not change until it is sent). Field by field rather than
 * a loop over the keys: named reads of one shape, where `spec[key]` was a
 * keyed lookup per field.
 */
export function specForCrossing(spec: RequestSpec): CrossingSpec {
  const crossing: CrossingSpec = { method: spec.method, url: spec.url, pool: spec.pool };
  if (!areDefaultHeaders(spec.headers)) crossing.headers = spec.headers;
  if (spec.params !== null) crossing.params = spec.params;
  if (spec.data !== null) crossing.data = spec.data;
  if (spec.json !== null) crossing.json = spec.json;
  if (spec.files !== null) crossing.files = spec.files;
  if (spec.auth !== null) crossing.auth = spec.auth;
  if (spec.timeout !== null) crossing.timeout = spec.timeout;
  if (spec.allowRedirects !== true) crossing.allowRedirects = spec.allowRedirects;
  if (spec.maxRedirects !== DEFAULT_MAX_REDIRECTS) crossing.maxRedirects = spec.maxRedirects;
  if (spec.verify !== true) crossing.verify = spec.verify;
  if (spec.cert !== null) crossing.cert = spec.cert;
  if (spec.proxies !== null) crossing.proxies = spec.proxies;
  if (spec.environmentProxies !== null) crossing.environmentProxies = spec.environmentProxies;
  if (spec.netrcEnvironment !== null) crossing.netrcEnvironment = spec.netrcEnvironment;
  if (spec.hooks.response.length > 0) crossing.hooks = spec.hooks;
  if (spec.backgroundCallback !== null) crossing.backgroundCallback = spec.backgroundCallback;
  if (spec.stream !== false) crossing.stream = spec.stream;
  if (spec.http2 !== false) crossing.http2 = spec.http2;
  if (spec.maxResponseBytes !== null) crossing.maxResponseBytes = spec.maxResponseBytes;
  if (spec.saveTo !== null) crossing.saveTo = spec.saveTo;
  if (spec.resume !== false) crossing.resume = spec.resume;
  if (spec.expectedSha256 !== null) crossing.expectedSha256 = spec.expectedSha256;
  if (spec.checksum !== true) crossing.checksum = spec.checksum;
  if (spec.saveWithin !== null) crossing.saveWithin = spec.saveWithin;
  if (spec.retries !== null) crossing.retries = spec.retries;
  if (spec.cookieJar !== null) crossing.cookieJar = spec.cookieJar;
  if (spec.mountedPools !== null) crossing.mountedPools = spec.mountedPools;
  if (spec.contexts !== null) crossing.contexts = spec.contexts;
  return crossing;
}

/**
 * In the child: the spec buildSpec made, every field in its place (one shape
 * for every spec). Given a whole spec (in-process callers), the same spec.
 */
export function specFromCrossing(crossing: CrossingSpec): RequestSpec {
  // `??` restores both forms of "left out": no field the coordinator sends is undefined, and none whose default is not null can be null.
  return {
    method: crossing.method,
    url: crossing.url,
    params: crossing.params ?? null,
    headers: crossing.headers ?? defaultHeaders(),
    data: crossing.data ?? null,
    json: crossing.json ?? null,
    files: crossing.files ?? null,
    auth: crossing.auth ?? null,
    timeout: crossing.timeout ?? null,
    allowRedirects: crossing.allowRedirects ?? true,
    maxRedirects: crossing.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
    verify: crossing.verify ?? true,
    cert: crossing.cert ?? null,
    proxies: crossing.proxies ?? null,
    environmentProxies: crossing.environmentProxies ?? null,
    netrcEnvironment: crossing.netrcEnvironment ?? null,
    hooks: crossing.hooks ?? { response: [] },
    backgroundCallback: crossing.backgroundCallback ?? null,
    stream: crossing.stream ?? false,
    http2: crossing.http2 ?? false,
    maxResponseBytes: crossing.maxResponseBytes ?? null,
    saveTo: crossing.saveTo ?? null,
    resume: crossing.resume ?? false,
    expectedSha256: crossing.expectedSha256 ?? null,
    checksum: crossing.checksum ?? true,
    saveWithin: crossing.saveWithin ?? null,
    retries: crossing.retries ?? null,
    cookieJar: crossing.cookieJar ?? null,
    pool: crossing.pool,
    mountedPools: crossing.mountedPools ?? null,
    contexts: crossing.contexts ?? null,
  };
}
