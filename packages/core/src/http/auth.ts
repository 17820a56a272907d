/**
 * requests' authentication objects. `auth` is a `[user, password]` pair
 * (Basic), an `HTTPBasicAuth` / `HTTPDigestAuth`, an `AuthBase` of your own, or
 * a function `(request) => request` that may add headers: in-process as it
 * is, across processes as an fnRef. The built-in classes go into the spec as
 * plain data (specAuth), which a child decodes before it has loaded the engine.
 */
import { randomBytes } from 'node:crypto';
import { isFnRef, loadFnRef, type FnRef } from '@requests-futures/serializer';
import { CaseInsensitiveHeaders } from './headers.js';
import type { Hop } from './redirects.js';

/** An `Authorization` / `Proxy-Authorization` value for HTTP Basic, UTF-8 as requests encodes it. */
export function basicAuthHeader(user: string, password: string): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
}

/** What an auth callable sees and returns: requests' PreparedRequest, the parts auth may change. */
export interface PreparedRequest {
  method: string;
  url: string;
  headers: CaseInsensitiveHeaders;
  /** The encoded body, read-only here (string, bytes or a multipart form), or undefined. */
  readonly body: unknown;
}

export type AuthCallable = (request: PreparedRequest) => PreparedRequest | void | Promise<PreparedRequest | void>;

/** requests' AuthBase: subclass it and implement `call(request)`. */
export abstract class AuthBase {
  abstract call(request: PreparedRequest): PreparedRequest | void | Promise<PreparedRequest | void>;
}

export class HTTPBasicAuth extends AuthBase {
  constructor(
    readonly username: string,
    readonly password: string,
  ) {
    super();
  }

  call(request: PreparedRequest): PreparedRequest {
    request.headers.set('Authorization', basicAuthHeader(this.username, this.password));
    return request;
  }
}

/**
 * requests' HTTPDigestAuth: the request goes out without credentials; a 401
 * whose WWW-Authenticate offers Digest is answered once (MD5, MD5-SESS, SHA,
 * SHA-256, SHA-512; qop "auth" or none), and that 401 is the first entry of
 * the response's `history`. As in requests, the answered challenge is reused
 * for the following requests to the same origin, nc incremented, with no
 * further 401 (digest-nonces.ts): per process the request runs in, so each
 * pool child learns the nonce once.
 */
export class HTTPDigestAuth extends AuthBase {
  /** Names this auth object's remembered nonces (requests keeps them on the object). */
  readonly key = randomBytes(8).toString('hex');

  constructor(
    readonly username: string,
    readonly password: string,
  ) {
    super();
  }

  call(request: PreparedRequest): PreparedRequest {
    return request;
  }
}

export type AuthOption = [string, string] | AuthBase | AuthCallable | FnRef | null;

/** HTTPDigestAuth as the spec carries it. */
export interface DigestAuthSpec {
  scheme: 'digest';
  username: string;
  password: string;
  /** The HTTPDigestAuth object's key: its remembered nonces (digest-nonces.ts). */
  key: string;
}

/** What RequestSpec.auth holds: the built-in classes as plain data, anything else as given. */
export type SpecAuth = [string, string] | DigestAuthSpec | AuthBase | AuthCallable | FnRef | null;

export function specAuth(auth: AuthOption | undefined): SpecAuth | undefined {
  if (auth instanceof HTTPBasicAuth) return [auth.username, auth.password];
  if (auth instanceof HTTPDigestAuth) return { scheme: 'digest', username: auth.username, password: auth.password, key: auth.key };
  return auth;
}

export function isDigestAuthSpec(auth: unknown): auth is DigestAuthSpec {
  return typeof auth === 'object' && auth !== null && (auth as { scheme?: unknown }).scheme === 'digest';
}

export function isAuthBase(value: unknown): value is AuthBase {
  return typeof value === 'object' && value !== null && typeof (value as { call?: unknown }).call === 'function' && !isFnRef(value);
}

/** The auth object, as `call(request)`; null for a Basic pair and for none. */
async function authCallable(auth: SpecAuth | undefined): Promise<AuthCallable | null> {
  if (auth === null || auth === undefined || Array.isArray(auth) || isDigestAuthSpec(auth)) return null;
  if (isFnRef(auth)) return loadFnRef<AuthCallable>(auth);
  if (typeof auth === 'function') return auth;
  if (isAuthBase(auth)) return (request) => auth.call(request);
  throw new TypeError(`auth must be a [user, password] pair, an AuthBase, a function or an fnRef, got ${typeof auth}`);
}

/**
 * Runs the request's auth on the first hop, as requests' prepare_auth does
 * once per request: the callable may add headers or change the URL.
 */
export async function applyAuth(hop: Hop, auth: SpecAuth | undefined): Promise<Hop> {
  const call = await authCallable(auth);
  if (call === null) return hop;
  const request: PreparedRequest = { method: hop.method, url: hop.url, headers: hop.headers, body: hop.body?.payload };
  const returned = (await call(request)) ?? request;
  if (typeof returned !== 'object' || returned === null) {
    throw new TypeError(`auth must return the request (or nothing), got ${returned === null ? 'null' : typeof returned}`);
  }
  const headers = returned.headers instanceof CaseInsensitiveHeaders ? returned.headers : new CaseInsensitiveHeaders(returned.headers as Record<string, string>);
  return { ...hop, method: String(returned.method).toUpperCase(), url: String(returned.url), headers };
}
