/**
 * What Session and FuturesSession share: the state accessors and the verb
 * methods. Only `request()` differs — a Promise in one, a Future in the other.
 */
import type { CaseInsensitiveHeaders } from '../http/headers.js';
import type { Params, RetryOptions, TimeoutOption } from '../http/request-spec.js';
import type { SessionCookies } from './cookies.js';
import type { HooksOption, RequestOptions } from './options.js';
import type { SessionState } from './session-state.js';
import { validateTimeout } from './validate.js';

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

  get headers(): CaseInsensitiveHeaders {
    return this.state.headers;
  }
  get cookies(): SessionCookies {
    return this.state.cookies;
  }
  get auth(): [string, string] | null {
    return this.state.auth;
  }
  set auth(value: [string, string] | null) {
    this.state.auth = value;
  }
  get params(): Params | undefined {
    return this.state.params;
  }
  set params(value: Params | undefined) {
    this.state.params = value;
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
  get proxies(): Record<string, string> | null {
    return this.state.proxies;
  }
  set proxies(value: Record<string, string> | null) {
    this.state.proxies = value;
  }
  get timeout(): TimeoutOption | undefined {
    return this.state.timeout;
  }
  set timeout(value: TimeoutOption | undefined) {
    // Refused here, like the constructor's, rather than failing every later request.
    validateTimeout(value);
    this.state.timeout = value;
  }
  get retries(): number | RetryOptions | null {
    return this.state.retries;
  }
  set retries(value: number | RetryOptions | null) {
    this.state.retries = value;
  }
}
