/**
 * The state every request of a session carries (API.md: headers, cookies,
 * auth, params, hooks, maxRedirects, verify, proxies). A FuturesSession built
 * with `{ session }` shares this object with that Session, as requests-futures
 * shares the wrapped requests.Session.
 */
import { CaseInsensitiveHeaders } from '../http/headers.js';
import type { Params, PoolOptions, RetryOptions, TimeoutOption } from '../http/request-spec.js';
import { headerValueText } from '../http/validate-request.js';
import { version } from '../version.js';
import { SessionCookies } from './cookies.js';
import type { HooksOption, SessionStateOptions } from './options.js';
import { validatePositiveInteger, validateTimeout } from './validate.js';

/** requests.Session's default redirect limit (got's is 10). */
export const DEFAULT_MAX_REDIRECTS = 30;
/** requests' default pool size per origin (HTTPAdapter pool_maxsize). */
export const DEFAULT_POOL_SIZE = 10;

export function defaultHeaders(): Record<string, string> {
  return {
    'User-Agent': `requests-futures-ts/${version}`,
    'Accept-Encoding': 'gzip, deflate, br',
    Accept: '*/*',
    Connection: 'keep-alive',
  };
}

export class SessionState {
  readonly headers: CaseInsensitiveHeaders;
  readonly cookies = new SessionCookies();
  auth: [string, string] | null;
  params: Params | undefined;
  hooks: HooksOption;
  maxRedirects: number;
  verify: boolean | string;
  proxies: Record<string, string> | null;
  timeout: TimeoutOption | undefined;
  retries: number | RetryOptions | null;
  maxResponseBytes: number | null;
  http2: boolean;
  pool: PoolOptions;

  constructor(options: SessionStateOptions = {}, concurrency = 1) {
    validateTimeout(options.timeout);
    validatePositiveInteger(options.adapterOptions?.poolMaxSize, 'adapterOptions.poolMaxSize');
    if (options.maxRedirects !== undefined && (!Number.isInteger(options.maxRedirects) || options.maxRedirects < 0)) {
      throw new RangeError(`maxRedirects must be an integer >= 0, got ${String(options.maxRedirects)}`);
    }
    this.headers = new CaseInsensitiveHeaders(defaultHeaders());
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (value === null || value === undefined) this.headers.delete(name);
      else this.headers.set(name, headerValueText(name, value));
    }
    this.auth = options.auth ?? null;
    this.params = options.params;
    this.hooks = { response: [], ...options.hooks };
    this.maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    this.verify = options.verify ?? true;
    this.proxies = options.proxies ?? null;
    this.timeout = options.timeout;
    this.retries = options.retries ?? null;
    this.maxResponseBytes = options.maxResponseBytes ?? null;
    if (options.http2 !== undefined && typeof options.http2 !== 'boolean') {
      throw new TypeError(`http2 must be a boolean, got ${typeof options.http2}`);
    }
    this.http2 = options.http2 ?? false;
    // The pool grows with the executor, as requests-futures raises pool_maxsize to max_workers.
    this.pool = {
      maxSize: options.adapterOptions?.poolMaxSize ?? Math.max(DEFAULT_POOL_SIZE, concurrency),
      block: options.adapterOptions?.poolBlock ?? false,
    };
  }
}
