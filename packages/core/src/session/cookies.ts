/**
 * The session's cookie jar: tough-cookie underneath, with the dict-like surface
 * requests users know (`get`, `set`). Requests carry a serialized snapshot of
 * it, so the jar works the same whether a request runs here or in a child;
 * cookies the server sets come back as Set-Cookie headers and land here.
 */
import type { Cookie, CookieJar, SerializedCookieJar } from 'tough-cookie';
import { toughCookie } from '../http/cookies.js';
import { CookieConflictError } from './errors.js';

/** Past its Expires or Max-Age (a Max-Age of 0 or less expires at once). */
function isExpired(cookie: Cookie): boolean {
  // Max-Age counts from when the cookie was set (tough-cookie would count from its last use).
  const expiry = cookie.expiryTime(cookie.creation instanceof Date ? cookie.creation : undefined);
  return expiry !== undefined && expiry <= Date.now();
}

export interface SetCookieRecord {
  url: string;
  header: string;
}

export interface CookieSetOptions {
  domain?: string;
  path?: string;
}

export class SessionCookies {
  private createdJar: CookieJar | undefined;
  /** Cookies set without a domain: like requests, they go to every host. */
  private readonly anyHost = new Map<string, string>();
  private snapshot: SerializedCookieJar | null = null;
  private version = 0;
  private snapshotVersion = -1;

  /** tough-cookie's jar, created on first use: a session that never meets a cookie never loads tough-cookie. */
  get jar(): CookieJar {
    return (this.createdJar ??= new (toughCookie().CookieJar)(undefined, { rejectPublicSuffixes: false, looseMode: true }));
  }

  /**
   * The value of the cookie called `name`, as requests' RequestsCookieJar.get:
   * CookieConflictError when more than one matches (narrow with domain or path).
   */
  get(name: string, options: CookieSetOptions = {}): string | undefined {
    const values: string[] = [];
    for (const cookie of this.all()) {
      if (cookie.key !== name) continue;
      if (options.domain !== undefined && cookie.domain !== options.domain) continue;
      if (options.path !== undefined && cookie.path !== options.path) continue;
      values.push(cookie.value);
    }
    const anyHost = this.anyHost.get(name);
    // A cookie set without a domain has none (requests' domain ''), so a domain given never picks it.
    if (anyHost !== undefined && (options.domain === undefined || options.domain === '')) values.push(anyHost);
    if (values.length > 1) throw new CookieConflictError(name);
    return values[0];
  }

  set(name: string, value: string | null, options: CookieSetOptions = {}): void {
    this.version++;
    if (options.domain === undefined) {
      if (value === null) this.anyHost.delete(name);
      else this.anyHost.set(name, value);
      return;
    }
    const cookie = new (toughCookie().Cookie)({ key: name, value: value ?? '', domain: options.domain, path: options.path ?? '/' });
    if (value === null) cookie.expires = new Date(0);
    this.jar.setCookieSync(cookie, `http://${options.domain}${options.path ?? '/'}`, { ignoreError: true });
  }

  /** Name → value of every cookie (the last one wins on name clashes, as in requests' get_dict). */
  toObject(): Record<string, string> {
    // Through a Map and fromEntries: a cookie named "__proto__" is an own property, not a prototype.
    const byName = new Map<string, string>();
    for (const cookie of this.all()) byName.set(cookie.key, cookie.value);
    for (const [name, value] of this.anyHost) byName.set(name, value);
    return Object.fromEntries(byName);
  }

  get size(): number {
    return this.all().length + this.anyHost.size;
  }

  clear(): void {
    this.version++;
    this.createdJar?.removeAllCookiesSync();
    this.anyHost.clear();
  }

  /** Store what a response's Set-Cookie headers said (from here or from a child). */
  store(records: readonly SetCookieRecord[] | undefined): void {
    if (!records || records.length === 0) return;
    this.version++;
    for (const { url, header } of records) {
      const cookie = this.jar.setCookieSync(header, url, { ignoreError: true });
      // An expired cookie deletes (requests' test_cookie_removed_on_expire); tough-cookie would keep it stored.
      if (cookie instanceof toughCookie().Cookie && isExpired(cookie)) this.remove(cookie);
    }
  }

  private remove(cookie: Cookie): void {
    // MemoryCookieStore answers its callback synchronously.
    this.jar.store.removeCookie(cookie.domain, cookie.path, cookie.key, () => undefined);
  }

  /**
   * The snapshot a request carries: the jar, plus host-wide and request-level
   * cookies scoped to the request's host. null when there is nothing to send.
   */
  snapshotFor(url: string, requestCookies: Record<string, string> | undefined): SerializedCookieJar | null {
    const base = this.baseSnapshot();
    // The common request: no host-wide or request-level cookie, nothing to build.
    if (this.anyHost.size === 0 && (requestCookies === undefined || Object.keys(requestCookies).length === 0)) return base;
    const extra = new Map(this.anyHost);
    for (const [name, value] of Object.entries(requestCookies ?? {})) extra.set(name, value);
    if (extra.size === 0) return base;
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return base; // the engine reports the bad URL
    }
    const { Cookie } = toughCookie();
    const added = [...extra].map(([key, value]) =>
      new Cookie({ key, value, domain: host, path: '/', hostOnly: true, creation: new Date(0) }).toJSON(),
    );
    const cookies = (base?.cookies ?? []).filter((c) => !(extra.has(c.key ?? '') && c.domain === host));
    return { ...(base ?? this.emptySerialized()), cookies: [...cookies, ...added] };
  }

  private baseSnapshot(): SerializedCookieJar | null {
    if (this.snapshotVersion !== this.version) {
      this.snapshot = this.all().length === 0 ? null : this.jar.serializeSync() ?? null;
      this.snapshotVersion = this.version;
    }
    return this.snapshot;
  }

  private emptySerialized(): SerializedCookieJar {
    return { version: 'tough-cookie@5', storeType: 'MemoryCookieStore', rejectPublicSuffixes: false, enableLooseMode: true, allowSpecialUseDomain: true, prefixSecurity: 'silent', cookies: [] } as SerializedCookieJar;
  }

  /** The cookies in the jar that have not expired. */
  private all(): Cookie[] {
    if (this.createdJar === undefined) return [];
    const { Cookie } = toughCookie();
    return (this.createdJar.serializeSync()?.cookies ?? []).map((c) => Cookie.fromJSON(c)).filter((c): c is Cookie => c !== null && c !== undefined && !isExpired(c));
  }
}
