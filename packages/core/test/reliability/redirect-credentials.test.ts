/**
 * Credentials on redirects, through FuturesSession on both executors, as
 * requests' rebuild_auth / resolve_redirects treat them: Authorization,
 * Proxy-Authorization and an explicit Cookie header stay within the origin
 * (scheme, host, port) and are dropped when a redirect leaves it, an
 * https → http downgrade included; jar cookies are chosen again for every hop,
 * so cookies of the old host never reach a new host and Secure cookies never
 * travel over http.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FuturesSession, type Executor, type Response } from '@requests-futures/core';
import { startHttpbin, type Httpbin } from '@requests-futures/testing';
import { startDualProtocolServer, type DualProtocolServer, type EchoBody } from './support/dual-protocol-server.js';
import { executorCases } from './support/executors.js';
import { makeSelfSignedCert, type SelfSignedCert } from './support/self-signed-cert.js';

const BASIC_UP = 'Basic ' + Buffer.from('u:p').toString('base64');
const PROXY_AUTH = 'Basic ' + Buffer.from('proxy:secret').toString('base64');

/** httpbin's /headers echo, Title-Case names. */
type HttpbinHeaders = Record<string, string | undefined>;
const headersOf = (response: Response): HttpbinHeaders => (response.json() as { headers: HttpbinHeaders }).headers;
const cookieNames = (header: string | undefined): string[] =>
  (header ?? '').split(';').map((part) => part.trim().split('=')[0]!).filter(Boolean).sort();
const redirectTo = (base: string, target: string) => `${base}/redirect-to?url=${encodeURIComponent(target)}&status_code=302`;

describe.each(executorCases)('credentials on redirects, FuturesSession on $name', ({ make }) => {
  let origin: Httpbin;
  let otherPort: Httpbin;
  let dual: DualProtocolServer;
  let cert: SelfSignedCert;
  let executor: Executor;
  const sessions: FuturesSession[] = [];

  /** A session on the shared executor with session-level Basic auth, closed after the suite. */
  function session(): FuturesSession {
    const created = new FuturesSession({ executor, auth: ['u', 'p'] });
    sessions.push(created);
    return created;
  }

  beforeAll(async () => {
    cert = await makeSelfSignedCert();
    [origin, otherPort, dual] = await Promise.all([startHttpbin(), startHttpbin(), startDualProtocolServer(cert)]);
    executor = make();
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await executor?.shutdown();
    // Guarded: when openssl is missing, beforeAll failed before starting any of these.
    await Promise.all([origin?.close(), otherPort?.close(), dual?.close(), cert?.remove()]);
  });

  it('keeps session auth, Proxy-Authorization and cookies on a redirect within the origin', async () => {
    const s = session();
    await s.get(`${origin.url}/cookies/set?jar=1`);
    expect(s.cookies.get('jar')).toBe('1');
    const response = await s.get(redirectTo(origin.url, '/headers'), {
      headers: { 'Proxy-Authorization': PROXY_AUTH },
      cookies: { req: '1' },
    });
    expect(response.history.map((h) => h.statusCode)).toEqual([302]);
    const sent = headersOf(response);
    expect(sent.Authorization).toBe(BASIC_UP);
    expect(sent['Proxy-Authorization']).toBe(PROXY_AUTH);
    expect(cookieNames(sent.Cookie)).toEqual(['jar', 'req']);
  });

  it('drops Authorization, Proxy-Authorization and an explicit Cookie header when only the port changes', async () => {
    const s = session();
    const response = await s.get(redirectTo(origin.url, `${otherPort.url}/headers`), {
      headers: { 'Proxy-Authorization': PROXY_AUTH, Cookie: 'explicit=1', 'X-Trace': 'kept' },
    });
    expect(response.url).toBe(`${otherPort.url}/headers`);
    // The first hop did carry them: what the second lacks was stripped, not never set.
    const firstHop = response.history[0]!.request.headers;
    expect(firstHop.get('authorization')).toBe(BASIC_UP);
    expect(firstHop.get('proxy-authorization')).toBe(PROXY_AUTH);
    expect(firstHop.get('cookie')).toBe('explicit=1');
    const sent = headersOf(response);
    expect(sent.Authorization).toBeUndefined();
    expect(sent['Proxy-Authorization']).toBeUndefined();
    expect(sent.Cookie).toBeUndefined();
    expect(sent['X-Trace']).toBe('kept');
  });

  it('drops request auth and the old host\'s cookies (session jar and request cookies) when the host changes', async () => {
    const s = session();
    await s.get(`${origin.url}/cookies/set?jar=1`);
    s.cookies.set('scoped', '1', { domain: '127.0.0.1' });
    const newHost = `http://localhost:${otherPort.port}/headers`;
    const response = await s.get(redirectTo(origin.url, newHost), { auth: ['req', 'pw'], cookies: { req: '1' } });
    expect(response.url).toBe(newHost);
    expect(cookieNames(response.history[0]!.request.headers.get('cookie'))).toEqual(['jar', 'req', 'scoped']);
    const sent = headersOf(response);
    expect(sent.Authorization).toBeUndefined();
    expect(sent.Cookie).toBeUndefined();
  });

  it('a jar cookie follows its domain, not its port (RFC 6265, as requests): the same host on another port still gets it', async () => {
    const s = session();
    await s.get(`${origin.url}/cookies/set?jar=1`);
    const response = await s.get(redirectTo(origin.url, `${otherPort.url}/headers`));
    const sent = headersOf(response);
    expect(sent.Authorization).toBeUndefined();
    expect(cookieNames(sent.Cookie)).toEqual(['jar']);
  });

  it('an https → http downgrade on the same host and port drops Authorization, Proxy-Authorization and the Cookie header', async () => {
    const s = session();
    const response = await s.get(`${dual.httpsUrl}/to?url=${encodeURIComponent(`${dual.httpUrl}/echo`)}`, {
      verify: cert.certPath,
      headers: { 'Proxy-Authorization': PROXY_AUTH, Cookie: 'explicit=1' },
    });
    const body = response.json() as EchoBody;
    expect(body.scheme).toBe('http');
    expect(response.history[0]!.request.headers.get('authorization')).toBe(BASIC_UP);
    expect(body.headers.authorization).toBeUndefined();
    expect(body.headers['proxy-authorization']).toBeUndefined();
    expect(body.headers.cookie).toBeUndefined();
  });

  it('after an https → http downgrade a Secure cookie is not sent; a plain one for the host is', async () => {
    const s = session();
    await s.get(`${dual.httpsUrl}/set-cookies`, { verify: cert.certPath });
    expect(s.cookies.get('sec')).toBe('1');
    const response = await s.get(`${dual.httpsUrl}/to?url=${encodeURIComponent(`${dual.httpUrl}/echo`)}`, { verify: cert.certPath });
    expect(cookieNames(response.history[0]!.request.headers.get('cookie'))).toEqual(['plain', 'sec']);
    expect(cookieNames((response.json() as EchoBody).headers.cookie)).toEqual(['plain']);
  });

  it('an http → https change of scheme on a non-standard port drops Authorization too (only 80 → 443 keeps it)', async () => {
    const s = session();
    const response = await s.get(`${dual.httpUrl}/to?url=${encodeURIComponent(`${dual.httpsUrl}/echo`)}`, { verify: cert.certPath });
    const body = response.json() as EchoBody;
    expect(body.scheme).toBe('https');
    expect(response.history[0]!.request.headers.get('authorization')).toBe(BASIC_UP);
    expect(body.headers.authorization).toBeUndefined();
  });

  it('https → https within the origin keeps session auth', async () => {
    const s = session();
    const response = await s.get(`${dual.httpsUrl}/to?url=/echo`, { verify: cert.certPath });
    const body = response.json() as EchoBody;
    expect(body.scheme).toBe('https');
    expect(body.headers.authorization).toBe(BASIC_UP);
  });
});
