/**
 * The next request of a redirect chain, as requests' SessionRedirectMixin
 * builds it (resolve_redirects, rebuild_method, rebuild_auth): method
 * rewriting, body dropping, and credentials that stay behind when the
 * redirect leaves the origin.
 */
import { InvalidSchema, InvalidURL } from './errors.js';
import type { CaseInsensitiveHeaders } from './headers.js';
import type { PreparedBody } from './body.js';

export const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** One request of the chain: what is sent, before cookies from the jar are added. */
export interface Hop {
  method: string;
  url: string;
  headers: CaseInsensitiveHeaders;
  body: PreparedBody | undefined;
}

export function isRedirect(statusCode: number, location: string | undefined): location is string {
  return location !== undefined && location !== '' && REDIRECT_STATUSES.has(statusCode);
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

function portOf(url: URL): string {
  return url.port === '' ? DEFAULT_PORTS[url.protocol] ?? '' : url.port;
}

/**
 * requests' should_strip_auth: credentials stay only on the same host, same
 * scheme and port, with one exception: http → https on the standard ports.
 */
export function leavesOrigin(from: string, to: string): boolean {
  const a = new URL(from);
  const b = new URL(to);
  if (a.hostname !== b.hostname) return true;
  if (a.protocol === 'http:' && portOf(a) === '80' && b.protocol === 'https:' && portOf(b) === '443') return false;
  return a.protocol !== b.protocol || portOf(a) !== portOf(b);
}

/** requests' rebuild_method: 303 → GET (but HEAD), 302 → GET (but HEAD), 301 POST → GET, as browsers do. */
export function redirectMethod(method: string, statusCode: number): string {
  if (statusCode === 303 && method !== 'HEAD') return 'GET';
  if (statusCode === 302 && method !== 'HEAD') return 'GET';
  if (statusCode === 301 && method === 'POST') return 'GET';
  return method;
}

/** Absolute URL of a Location header, relative to the URL that answered. */
export function resolveLocation(location: string, base: string): URL {
  // Node hands header values over as latin1; servers send UTF-8 (requests re-decodes the same way).
  const decoded = Buffer.from(location, 'latin1').toString('utf8');
  let url: URL;
  try {
    url = new URL(decoded, base);
  } catch (error) {
    throw new InvalidURL(`Invalid redirect URL '${decoded}' from ${base}`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidSchema(`No connection adapters were found for '${url.href}' (redirected from ${base})`);
  }
  // requests keeps the original fragment when the Location has none (RFC 7231 7.1.2).
  const baseUrl = new URL(base);
  if (url.hash === '' && baseUrl.hash !== '') url.hash = baseUrl.hash;
  return url;
}

/**
 * Credentials in a Location (`http://u:p@host/`) are dropped from the next
 * request's URL, so they never show in `response.url`, `history` or
 * `request.url`, and they are not sent as Basic auth either: they were the
 * server's choice, not the caller's (unlike a first URL's userinfo), and
 * requests does not use them (it sends only the path of a redirect's URL).
 */
function withoutCredentials(url: URL): URL {
  url.username = '';
  url.password = '';
  return url;
}

export function nextHop(previous: Hop, statusCode: number, location: string): Hop {
  const url = withoutCredentials(resolveLocation(location, previous.url)).href;
  const method = redirectMethod(previous.method, statusCode);
  const headers = previous.headers.copy();
  let body = previous.body;
  // Only 307 and 308 promise to replay the same request; everything else loses its body.
  if (statusCode !== 307 && statusCode !== 308) {
    body = undefined;
    for (const name of ['Content-Length', 'Content-Type', 'Transfer-Encoding']) headers.delete(name);
  }
  if (leavesOrigin(previous.url, url)) {
    for (const name of ['Authorization', 'Proxy-Authorization', 'Cookie', 'Host']) headers.delete(name);
  }
  return { method, url, headers, body };
}
