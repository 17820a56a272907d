/**
 * TLS verification, through FuturesSession on both executors, against an
 * HTTPS server whose self-signed certificate the test makes with openssl:
 * verify is on by default (SSLError, and no HTTP request reaches the server),
 * verify: false or verify: '<CA path>' succeed, per request or per session,
 * and a CA that did not sign the certificate is no help.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ConnectionError, FuturesSession, RequestException, SSLError, type Executor } from '@requests-futures/core';
import { executorCases } from './support/executors.js';
import { errorOf } from './support/outcome.js';
import { makeSelfSignedCert, type SelfSignedCert } from './support/self-signed-cert.js';

let cert: SelfSignedCert;
/** Another self-signed certificate: a CA that did not sign the server's. */
let stranger: SelfSignedCert;
let server: Server;
let url: string;
/** HTTP requests that got past the TLS handshake. */
let requestsReceived = 0;

beforeAll(async () => {
  [cert, stranger] = await Promise.all([makeSelfSignedCert(), makeSelfSignedCert()]);
  server = createServer({ cert: cert.cert, key: cert.key }, (_req, res) => {
    requestsReceived += 1;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ secure: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  // Guarded: when openssl is missing, beforeAll failed before making any of these.
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await Promise.all([cert?.remove(), stranger?.remove()]);
});

describe.each(executorCases)('TLS verification, FuturesSession on $name', ({ make }) => {
  let executor: Executor;
  const sessions: FuturesSession[] = [];
  const session = (options: ConstructorParameters<typeof FuturesSession>[0] = {}): FuturesSession => {
    // trustEnv off: as in requests, REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE (set on many machines, this one
    // included) would outrank the session's verify; these cases are about the session's and request's.
    const created = new FuturesSession({ executor, trustEnv: false, ...options });
    sessions.push(created);
    return created;
  };

  beforeAll(() => {
    executor = make();
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await executor.shutdown();
  });

  it('verifies by default: a self-signed certificate fails with SSLError and no request is sent', async () => {
    const s = session();
    expect(s.verify).toBe(true);
    const before = requestsReceived;
    const error = await errorOf(() => s.get(url));
    expect(error).toBeInstanceOf(SSLError);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toBeInstanceOf(RequestException);
    expect(error.message).toContain(url);
    expect((error.cause as { code?: string }).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(requestsReceived).toBe(before);
  });

  it('verify: false per request skips verification', async () => {
    const response = await session().get(url, { verify: false });
    expect(response.json()).toEqual({ secure: true });
  });

  it('verify: <CA path> per request trusts that CA', async () => {
    const response = await session().get(url, { verify: cert.certPath });
    expect(response.statusCode).toBe(200);
  });

  it('verify set on the session applies to every request, and a request can turn it back on', async () => {
    expect((await session({ verify: cert.certPath }).get(url)).statusCode).toBe(200);
    const lax = session({ verify: false });
    expect((await lax.get(url)).statusCode).toBe(200);
    await expect(lax.get(url, { verify: true }).result()).rejects.toBeInstanceOf(SSLError);
  });

  it('a CA bundle that did not sign the certificate fails with SSLError', async () => {
    const error = await errorOf(() => session().get(url, { verify: stranger.certPath }));
    expect(error).toBeInstanceOf(SSLError);
    expect(error.message).toContain(url);
  });

  it('a CA bundle path that does not exist fails with SSLError naming the path', async () => {
    const error = await errorOf(() => session().get(url, { verify: '/nonexistent/ca-bundle.pem' }));
    expect(error).toBeInstanceOf(SSLError);
    expect(error.message).toContain('/nonexistent/ca-bundle.pem');
  });
});
