/**
 * The cookie jar one request uses: a copy of the session's (spec.cookieJar),
 * so a cookie set by one redirect hop is sent on the next, as requests does
 * with its per-request jar. The Set-Cookie headers themselves travel back on
 * the response, and the session stores them in its own jar.
 */
import { Cookie, CookieJar } from 'tough-cookie';

export function cookieJarFrom(snapshot: unknown): CookieJar {
  if (snapshot === undefined || snapshot === null) {
    return new CookieJar(undefined, { looseMode: true, rejectPublicSuffixes: false });
  }
  try {
    return CookieJar.deserializeSync(snapshot as Parameters<typeof CookieJar.deserializeSync>[0]);
  } catch (error) {
    throw new TypeError(`cookieJar must be a tough-cookie CookieJar.serializeSync() snapshot: ${(error as Error).message}`, { cause: error });
  }
}

/** The Cookie header the jar has for `url`, or '' when none. */
export function cookieHeaderFor(jar: CookieJar, url: string): Promise<string> {
  return jar.getCookieString(url);
}

/**
 * One request's jar (see above), made only once there is a cookie in it: most
 * requests carry none and set none, and an empty tough-cookie jar still costs
 * a construction, a public-suffix lookup and two promises per hop.
 */
export class RequestCookies {
  private jar: CookieJar | undefined;

  constructor(snapshot: unknown) {
    if (snapshot !== undefined && snapshot !== null) this.jar = cookieJarFrom(snapshot);
  }

  /** The Cookie header for `url`, or '' when the jar is empty or absent. */
  headerFor(url: string): Promise<string> | string {
    return this.jar === undefined ? '' : cookieHeaderFor(this.jar, url);
  }

  async store(url: string, setCookieHeaders: readonly string[]): Promise<void> {
    if (setCookieHeaders.length === 0) return;
    this.jar ??= cookieJarFrom(null);
    await storeSetCookies(this.jar, url, setCookieHeaders);
  }
}

/** Stores what a response said; a malformed cookie is skipped, as requests (http.cookiejar) skips it. */
export async function storeSetCookies(jar: CookieJar, url: string, headers: readonly string[]): Promise<void> {
  for (const header of headers) {
    await jar.setCookie(header, url, { ignoreError: true });
  }
}

/** name → value of the cookies these Set-Cookie headers set (requests' `response.cookies`). */
export function cookiesSetBy(headers: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const header of headers) {
    const cookie = Cookie.parse(header, { loose: true });
    // A cookie that is already expired deletes rather than sets.
    if (cookie && cookie.TTL() > 0) out[cookie.key] = cookie.value;
  }
  return out;
}
