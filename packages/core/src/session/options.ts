/**
 * The options users pass: to a session's constructor and to each request.
 * Names follow requests' keyword arguments in camelCase (API.md).
 */
import type { AuthOption } from '../http/auth.js';
import type { Executor } from '../executors/executor.js';
import type {
  DataOption,
  ClientCert,
  FilesOption,
  HookFn,
  ParamValue,
  FormValue,
  Params,
  RetryOptions,
  TimeoutOption,
} from '../http/request-spec.js';

export type HookOption = HookFn | HookFn[];
export interface HooksOption {
  response?: HookOption;
}
export type HeadersOption = Record<string, string | number | null | undefined>;
export type CookiesOption = Record<string, string>;
export type BackgroundCallback = (session: any, response: any) => unknown;

export interface RequestOptions {
  params?: Params;
  data?: DataOption;
  json?: unknown;
  headers?: HeadersOption;
  cookies?: CookiesOption;
  files?: FilesOption;
  auth?: AuthOption;
  /** Seconds, or [connect, read]; null for none. */
  timeout?: TimeoutOption;
  allowRedirects?: boolean;
  hooks?: HooksOption;
  stream?: boolean;
  verify?: boolean | string;
  /** A TLS client certificate: a PEM file with certificate and key, or [certificate file, key file]. */
  cert?: ClientCert | null;
  proxies?: Record<string, string> | null;
  /** HTTP/2 where the server's ALPN offers it (https only; HTTP/1.1 through a proxy). Default: the session's (false). */
  http2?: boolean;
  /** Deprecated upstream (use hooks); its return value, if any, replaces the response. */
  backgroundCallback?: BackgroundCallback | HookFn | null;
  signal?: AbortSignal;
  /** Any value, exposed as `future.meta`. */
  meta?: unknown;
  /** A cap on the body, counted after decompression. */
  maxResponseBytes?: number | null;
  /** Stream the body to this file where the request runs; written atomically. */
  saveTo?: string | null;
  /**
   * With saveTo: continue a partial download (Range + If-Range), and keep a
   * target that is already complete (a cheap Range probe: `response.kept`).
   */
  resume?: boolean;
  /**
   * The body's sha256 (64 hex digits, any case). With saveTo a mismatch fails
   * with ChecksumMismatch and nothing is saved; without saveTo the content of
   * a successful (`ok`) response is checked.
   */
  expectedSha256?: string;
  /** false: saveTo does not hash the body and `response.sha256` stays undefined. Default true. */
  checksum?: boolean;
  /**
   * A directory saveTo must stay inside, checked on the real filesystem:
   * missing directories are created one at a time, symlinks refused
   * (UnsafePath), and the ones created are removed if the download fails.
   */
  saveWithin?: string;
  /**
   * Opt-in retries (requests has none): a count or the full options. They run
   * where the request runs; with saveTo + resume a retry continues the part.
   * A child process that dies under a request (BrokenProcessPool) is the
   * executor's failure, not retried: resubmit it (with resume: true it
   * continues from the part the child wrote).
   */
  retries?: number | RetryOptions | null;
}

export const REQUEST_OPTION_NAMES: ReadonlySet<string> = new Set<keyof RequestOptions>([
  'params', 'data', 'json', 'headers', 'cookies', 'files', 'auth', 'timeout', 'allowRedirects',
  'hooks', 'stream', 'verify', 'cert', 'proxies', 'http2', 'backgroundCallback', 'signal', 'meta',
  'maxResponseBytes', 'saveTo', 'resume', 'retries', 'expectedSha256', 'checksum', 'saveWithin',
]);

/** requests' HTTPAdapter(pool_maxsize, pool_block, max_retries), for the session or a mounted prefix. */
export interface AdapterOptions {
  /** Sockets per origin kept in the pool (and, with poolBlock, the most open at once). */
  poolMaxSize?: number;
  /** true: wait for a free socket; false (default): open more when all are busy, keep only poolMaxSize idle. */
  poolBlock?: boolean;
  /** Retries for requests under this adapter, as the `retries` option; a request's own `retries` wins. */
  maxRetries?: number | RetryOptions | null;
}

export interface SessionStateOptions {
  headers?: HeadersOption;
  auth?: AuthOption;
  params?: Params;
  hooks?: HooksOption;
  maxRedirects?: number;
  verify?: boolean | string;
  /** A TLS client certificate for every request (requests' session.cert). */
  cert?: ClientCert | null;
  proxies?: Record<string, string> | null;
  /** A default timeout for every request (requests has none). */
  timeout?: TimeoutOption;
  retries?: number | RetryOptions | null;
  maxResponseBytes?: number | null;
  /** Every request tries HTTP/2 (see RequestOptions.http2). Default false. */
  http2?: boolean;
  adapterOptions?: AdapterOptions;
  /**
   * requests' trust_env (default true): HTTP_PROXY / HTTPS_PROXY / ALL_PROXY /
   * NO_PROXY (either case), the netrc file (NETRC or ~/.netrc) and
   * REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE apply, as the coordinator's environment has them.
   */
  trustEnv?: boolean;
}

export interface FuturesSessionOptions extends SessionStateOptions {
  /** Used as is and not shut down by close(); maxWorkers is then ignored. */
  executor?: Executor;
  /** Size of the owned ThreadPoolExecutor. Default 8. */
  maxWorkers?: number;
  /** Reuse a plain Session's state (headers, cookies, hooks...). */
  session?: { readonly state: unknown };
  /** session.map: how many futures may be outstanding at once. Default 2 × concurrency. */
  maxQueued?: number;
  /**
   * At most this many requests per origin (scheme://host:port) handed to the
   * executor and not yet done; more wait in the coordinator (their futures are
   * pending, cancel() works) and start in submission order. Also session.map's
   * default. Default: no limit. Redirects to another host are not counted.
   */
  perHostLimit?: number;
}

export interface CloseOptions {
  /** Abort running requests too. Default false. */
  abort?: boolean;
  /** Cancel requests that have not started. Default true; false runs everything queued first (Python's behaviour). */
  cancelFutures?: boolean;
  /**
   * With `abort`: seconds the aborted requests get to let go (a hook that
   * never settles, a wedged child) before the owned executor stops waiting
   * for them and kills its children. Default 5 (see ShutdownOptions.grace).
   */
  grace?: number;
}
