/**
 * What a backgroundCallback gets as its `session` where no session exists:
 * in a pool child the session stayed in the coordinator. A read-only view of
 * what the request carried: the headers it sent with the session's merged in,
 * auth, params, verify, proxies, maxRedirects, http2, and the cookies it
 * carried plus those its response set (as the session's jar will hold them
 * once the future resolves). Changes made to it stay in the child.
 */
import type { CookieJar } from 'tough-cookie';
import { cookieJarFrom, storeSetCookies } from './cookies.js';
import { CaseInsensitiveHeaders } from './headers.js';
import type { SpecAuth } from './auth.js';
import type { Params, RequestSpec } from './request-spec.js';
import type { SetCookieRecord } from './response.js';

/** The cookies of a SessionView: the part of SessionCookies' reading API that a copy can honour. */
export class CookieView {
  private readonly jar: CookieJar;

  constructor(jar: CookieJar) {
    this.jar = jar;
  }

  /** The value of the cookie called `name` (narrowed by domain or path), or undefined. */
  get(name: string, options: { domain?: string; path?: string } = {}): string | undefined {
    return this.matching(name, options)[0];
  }

  /** Name → value of every cookie (the last one wins on name clashes, as in requests' get_dict). */
  toObject(): Record<string, string> {
    const byName = new Map<string, string>();
    for (const cookie of this.all()) byName.set(cookie.key, cookie.value);
    return Object.fromEntries(byName);
  }

  get size(): number {
    return this.all().length;
  }

  private matching(name: string, { domain, path }: { domain?: string; path?: string }): string[] {
    return this.all()
      .filter((cookie) => cookie.key === name && (domain === undefined || cookie.domain === domain) && (path === undefined || cookie.path === path))
      .map((cookie) => cookie.value);
  }

  private all(): Array<{ key: string; value: string; domain: string | null; path: string | null }> {
    return this.jar.serializeSync()?.cookies.map((c) => ({ key: String(c.key ?? ''), value: String(c.value ?? ''), domain: c.domain == null ? null : String(c.domain), path: c.path == null ? null : String(c.path) })) ?? [];
  }
}

export class SessionView {
  /** True: this is a child's copy, not the session (changes are not sent back). */
  readonly isView = true;
  readonly headers: CaseInsensitiveHeaders;
  readonly cookies: CookieView;
  /** The request's auth as the spec carries it: [user, password], digest credentials, or the fnRef of a custom auth. */
  readonly auth: SpecAuth | null;
  readonly params: Params | undefined;
  readonly verify: boolean | string;
  readonly proxies: Record<string, string> | null;
  readonly maxRedirects: number;
  readonly http2: boolean;

  private constructor(spec: RequestSpec, jar: CookieJar) {
    // A null value in the merged headers removed a session header: it is not there.
    this.headers = new CaseInsensitiveHeaders(Object.entries(spec.headers).filter(([, value]) => value !== null && value !== undefined));
    this.cookies = new CookieView(jar);
    this.auth = spec.auth;
    // The view has always said undefined for "no params"; the spec says null.
    this.params = spec.params ?? undefined;
    this.verify = spec.verify;
    this.proxies = spec.proxies;
    this.maxRedirects = spec.maxRedirects;
    this.http2 = spec.http2;
  }

  /** The view for `spec`, its jar updated with what the response set. */
  static async of(spec: RequestSpec, setCookies: readonly SetCookieRecord[]): Promise<SessionView> {
    const jar = cookieJarFrom(spec.cookieJar);
    for (const { url, header } of setCookies) await storeSetCookies(jar, url, [header]);
    return new SessionView(spec, jar);
  }
}
