/**
 * The state every request of a session carries (API.md: headers, cookies,
 * auth, params, hooks, maxRedirects, verify, proxies). A FuturesSession built
 * with `{ session }` shares this object with that Session, as requests-futures
 * shares the wrapped requests.Session.
 */
import type { AuthOption } from '../http/auth.js';
import { DEFAULT_MAX_REDIRECTS, DEFAULT_POOL_SIZE } from '../http/request-defaults.js';
import { defaultHeaders, type ClientCert, type PoolOptions, type RetryOptions, type TimeoutOption } from '../http/request-spec.js';
import { AdapterMounts, validateAdapterOptions } from './adapters.js';
import { SessionCookies } from './cookies.js';
import type { HooksOption, SessionStateOptions } from './options.js';
import { sessionParams, sessionProxies, type SessionParams, type SessionProxies } from './params-and-proxies.js';
import { sessionHeaders, type SessionHeaders } from './session-headers.js';
import { validateAuth, validateCert, validatePositiveInteger, validateTimeout } from './validate.js';

export class SessionState {
  /** Dicts as in requests: replaced in place, so a Session and a FuturesSession sharing this state see one object. */
  readonly headers: SessionHeaders;
  readonly params: SessionParams;
  readonly proxies: SessionProxies;
  readonly cookies = new SessionCookies();
  auth: AuthOption;
  hooks: HooksOption;
  maxRedirects: number;
  verify: boolean | string;
  cert: ClientCert | null;
  timeout: TimeoutOption | undefined;
  retries: number | RetryOptions | null;
  maxResponseBytes: number | null;
  http2: boolean;
  pool: PoolOptions;
  /** session.mount's prefixes, 'https://' and 'http://' first mounted from adapterOptions. */
  readonly adapters: AdapterMounts;
  /** requests' trust_env: environment proxies, .netrc and CA bundle variables apply. */
  trustEnv: boolean;

  constructor(options: SessionStateOptions = {}, concurrency = 1) {
    validateTimeout(options.timeout);
    validateAdapterOptions(options.adapterOptions, 'adapterOptions');
    if (options.maxRedirects !== undefined && (!Number.isInteger(options.maxRedirects) || options.maxRedirects < 0)) {
      throw new RangeError(`maxRedirects must be an integer >= 0, got ${String(options.maxRedirects)}`);
    }
    this.headers = sessionHeaders(defaultHeaders());
    this.headers.update(options.headers ?? {});
    this.params = sessionParams(options.params);
    this.proxies = sessionProxies(options.proxies);
    validateAuth(options.auth);
    this.auth = options.auth ?? null;
    this.hooks = { response: [], ...options.hooks };
    this.maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
    this.verify = options.verify ?? true;
    validateCert(options.cert);
    this.cert = options.cert ?? null;
    this.timeout = options.timeout;
    this.retries = options.retries ?? null;
    this.maxResponseBytes = options.maxResponseBytes ?? null;
    if (options.trustEnv !== undefined && typeof options.trustEnv !== 'boolean') {
      throw new TypeError(`trustEnv must be a boolean, got ${typeof options.trustEnv}`);
    }
    this.trustEnv = options.trustEnv ?? true;
    if (options.http2 !== undefined && typeof options.http2 !== 'boolean') {
      throw new TypeError(`http2 must be a boolean, got ${typeof options.http2}`);
    }
    this.http2 = options.http2 ?? false;
    // The pool grows with the executor, as requests-futures raises pool_maxsize to max_workers.
    this.pool = {
      maxSize: options.adapterOptions?.poolMaxSize ?? Math.max(DEFAULT_POOL_SIZE, concurrency),
      block: options.adapterOptions?.poolBlock ?? false,
    };
    this.adapters = new AdapterMounts(this.pool, options.adapterOptions);
  }
}
