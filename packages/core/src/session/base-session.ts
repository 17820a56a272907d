/**
 * What Session and FuturesSession share: the state accessors and the verb
 * methods. Only `request()` differs — a Promise in one, a Future in the other.
 */
import type { AuthOption } from '../http/auth.js';
import type { CaseInsensitiveHeaders } from '../http/headers.js';
import type { ClientCert, Params, RetryOptions, TimeoutOption } from '../http/request-spec.js';
import type { SessionCookies } from './cookies.js';
import type { MountedAdapter } from './adapters.js';
import type { AdapterOptions, HeadersOption, HooksOption, RequestOptions } from './options.js';
import { setParams, type SessionParams, type SessionProxies } from './params-and-proxies.js';
import type { SessionHeaders } from './session-headers.js';
import type { SessionState } from './session-state.js';
import { validateAuth, validateCert, validateTimeout } from './validate.js';

export abstract class BaseSession<R> {
  abstract readonly state: SessionState;

  abstract request(method: string, url: string | URL, options?: RequestOptions): R;

  get(url: string | URL, options?: RequestOptions): R {
    return this.request('GET', url, options);
  }
  options(url: string | URL, options?: RequestOptions): R {
    return this.request('OPTIONS', url, options);
  }
  /** Like requests, HEAD does not follow redirects unless asked. */
  head(url: string | URL, options?: RequestOptions): R {
    return this.request('HEAD', url, { allowRedirects: false, ...options });
  }
  post(url: string | URL, options?: RequestOptions): R {
    return this.request('POST', url, options);
  }
  put(url: string | URL, options?: RequestOptions): R {
    return this.request('PUT', url, options);
  }
  patch(url: string | URL, options?: RequestOptions): R {
    return this.request('PATCH', url, options);
  }
  delete(url: string | URL, options?: RequestOptions): R {
    return this.request('DELETE', url, options);
  }

  /** requests' CaseInsensitiveDict: `headers['X-A'] = '1'`, `delete headers['X-A']`, `update({...})`. */
  /**
   * requests' Session.mount: requests whose URL starts with `prefix` (without
   * case; the longest mounted prefix wins) use these pool and retry settings.
   */
  mount(prefix: string, adapterOptions: AdapterOptions): void {
    this.state.adapters.mount(prefix, adapterOptions);
  }

  /** requests' get_adapter: the mount a URL would use. */
  getAdapter(url: string | URL): MountedAdapter {
    return this.state.adapters.adapterFor(String(url));
  }

  /** The mounted prefixes, longest first (requests' session.adapters). */
  get adapters(): MountedAdapter[] {
    return this.state.adapters.entries();
  }

  get headers(): SessionHeaders {
    return this.state.headers;
  }
  /** Replaces the session's headers in place (the defaults too, as assigning a dict does in requests). */
  set headers(value: HeadersOption | CaseInsensitiveHeaders | null) {
    this.state.headers.replace(value);
  }
  get cookies(): SessionCookies {
    return this.state.cookies;
  }
  get auth(): AuthOption {
    return this.state.auth;
  }
  set auth(value: AuthOption) {
    validateAuth(value);
    this.state.auth = value;
  }
  /** A dict: `params['page'] = 2`, `delete params.page`, `update({...})`. */
  get params(): SessionParams {
    return this.state.params;
  }
  /** Replaces the params in place; a query string or a list of pairs becomes a dict (repeated keys: a list). */
  set params(value: Params | null | undefined) {
    setParams(this.state.params, value);
  }
  get hooks(): HooksOption {
    return this.state.hooks;
  }
  set hooks(value: HooksOption) {
    this.state.hooks = value;
  }
  get maxRedirects(): number {
    return this.state.maxRedirects;
  }
  set maxRedirects(value: number) {
    this.state.maxRedirects = value;
  }
  get verify(): boolean | string {
    return this.state.verify;
  }
  set verify(value: boolean | string) {
    this.state.verify = value;
  }
  /** Every request tries HTTP/2 (a request's `http2` option wins). */
  get http2(): boolean {
    return this.state.http2;
  }
  set http2(value: boolean) {
    if (typeof value !== 'boolean') throw new TypeError(`session.http2 must be a boolean, got ${typeof value}`);
    this.state.http2 = value;
  }
  /** requests' session.cert: a PEM file path or [certificate file, key file]. */
  get cert(): ClientCert | null {
    return this.state.cert;
  }
  set cert(value: ClientCert | null) {
    validateCert(value);
    this.state.cert = value;
  }
  /** A dict: `proxies.https = 'http://127.0.0.1:3128'`. */
  get proxies(): SessionProxies {
    return this.state.proxies;
  }
  set proxies(value: Record<string, string> | null | undefined) {
    this.state.proxies.replace(value);
  }
  get timeout(): TimeoutOption | undefined {
    return this.state.timeout;
  }
  set timeout(value: TimeoutOption | undefined) {
    // Refused here, like the constructor's, rather than failing every later request.
    validateTimeout(value);
    this.state.timeout = value;
  }
  /** requests' trust_env: false stops environment proxies, .netrc and CA bundle variables applying. */
  get trustEnv(): boolean {
    return this.state.trustEnv;
  }
  set trustEnv(value: boolean) {
    if (typeof value !== 'boolean') throw new TypeError(`trustEnv must be a boolean, got ${typeof value}`);
    this.state.trustEnv = value;
  }
  get retries(): number | RetryOptions | null {
    return this.state.retries;
  }
  set retries(value: number | RetryOptions | null) {
    this.state.retries = value;
  }
}
