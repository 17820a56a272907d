/**
 * The cookie jar one request uses: a copy of the session's (spec.cookieJar),
 * so a cookie set by one redirect hop is sent on the next, as requests does
 * with its per-request jar. The Set-Cookie headers themselves travel back on
 * the response, and the session stores them in its own jar.
 */
import { createRequire } from 'node:module';
import type { CookieJar } from 'tough-cookie';

type ToughCookie = typeof import('tough-cookie');
let loaded: ToughCookie | undefined;

/**
 * tough-cookie, required on first use: a pool child that sends no cookie and
 * gets none never loads it (about 60 ms of a fresh child's start-up, measured
 * with process.cpuUsage around the import), nor does a session whose jar stays
 * empty (session/cookies.ts). It is CommonJS only, so require and import share
 * one instance.
 */
export function toughCookie(): ToughCookie {
  return (loaded ??= createRequire(import.meta.url)('tough-cookie') as ToughCookie);
}

export function cookieJarFrom(snapshot: unknown): CookieJar {
  const { CookieJar } = toughCookie();
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

  /** Stores what a response said; returns the cookies the jar accepted (a cookie for another domain is not). */
  async store(url: string, setCookieHeaders: readonly string[]): Promise<AcceptedCookies> {
    if (setCookieHeaders.length === 0) return NONE_ACCEPTED;
    this.jar ??= cookieJarFrom(null);
    return storeSetCookies(this.jar, url, setCookieHeaders);
  }
}

export interface AcceptedCookies {
  /** The Set-Cookie headers the jar took. */
  headers: string[];
  /** name → value of the cookies they set (requests' `response.cookies`); one that expires at once deletes rather than sets. */
  cookies: Record<string, string>;
}

/** What a response without Set-Cookie headers set: shared, frozen. */
export const NONE_ACCEPTED: AcceptedCookies = Object.freeze({ headers: [], cookies: {} }) as AcceptedCookies;

/** Stores what a response said; a malformed or refused cookie is skipped, as requests (http.cookiejar) skips it. */
export async function storeSetCookies(jar: CookieJar, url: string, headers: readonly string[]): Promise<AcceptedCookies> {
  const { Cookie } = toughCookie();
  const accepted: string[] = [];
  const byName = new Map<string, string>();
  for (const header of headers) {
    const cookie = await jar.setCookie(header, url, { ignoreError: true });
    if (!(cookie instanceof Cookie)) continue;
    accepted.push(header);
    if (cookie.TTL() > 0) byName.set(cookie.key, cookie.value);
  }
  // Through a Map and fromEntries: a cookie named "__proto__" is an own property, not a prototype.
  return { headers: accepted, cookies: Object.fromEntries(byName) };
}
