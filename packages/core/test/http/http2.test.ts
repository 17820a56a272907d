/**
 * `http2: true` (got's http2 through http2-wrapper) against loopback node:http2
 * secure servers with ALPN, on both executors: one that speaks only h2, one
 * that also offers HTTP/1.1 (a request without http2 stays on HTTP/1.1 there).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { FuturesSession, SSLError } from '@requests-futures/core';
import { executorCases } from '../session/executors.js';

const CERT_PATH = fileURLToPath(new URL('./fixtures/localhost-cert.pem', import.meta.url));
const KEY_PATH = fileURLToPath(new URL('./fixtures/localhost-key.pem', import.meta.url));

interface Echo {
  httpVersion: string;
  alpn: string | false | null;
  method: string;
  path: string;
  header: string | null;
  cookie: string | null;
  body: string;
}

async function startH2(allowHTTP1: boolean): Promise<{ server: Http2SecureServer; url: string; sessions: () => number }> {
  let open = 0;
  const server = createSecureServer({ cert: readFileSync(CERT_PATH), key: readFileSync(KEY_PATH), allowHTTP1 }, (req: Http2ServerRequest, res: Http2ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const echo: Echo = {
        httpVersion: req.httpVersion,
        alpn: (req.socket as { alpnProtocol?: string | false }).alpnProtocol ?? null,
        method: req.method,
        path: req.url,
        header: (req.headers['x-tenant'] as string | undefined) ?? null,
        cookie: (req.headers.cookie as string | undefined) ?? null,
        body,
      };
      res.setHeader('content-type', 'application/json');
      if (req.url === '/set-cookie') res.setHeader('set-cookie', 'h2=yes; Path=/');
      res.end(JSON.stringify(echo));
    });
  });
  server.on('session', (session) => {
    open++;
    session.once('close', () => open--);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, sessions: () => open };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(executorCases)('http2 on $name', ({ make }) => {
  let h2only: Awaited<ReturnType<typeof startH2>>;
  let both: Awaited<ReturnType<typeof startH2>>;
  let session: FuturesSession;
  beforeAll(async () => {
    [h2only, both] = await Promise.all([startH2(false), startH2(true)]);
    session = new FuturesSession({ executor: make(), verify: CERT_PATH, trustEnv: false });
  });
  afterAll(async () => {
    await session.close();
    await session.executor.shutdown();
    for (const { server } of [h2only, both]) {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('http2: true on a request speaks HTTP/2 (ALPN h2), verified against the CA bundle given as verify', async () => {
    const response = await session.post(`${h2only.url}/echo`, { http2: true, data: 'payload', headers: { 'X-Tenant': 't1' } });
    expect(response.statusCode).toBe(200);
    expect(response.reason).toBe('OK');
    expect(response.json()).toEqual({ httpVersion: '2.0', alpn: 'h2', method: 'POST', path: '/echo', header: 't1', cookie: null, body: 'payload' });
    expect(response.headers.get('content-type')).toBe('application/json');
    expect([...Object.keys(response.headers.toObject())].some((name) => name.startsWith(':'))).toBe(false);
  });

  it('without http2 the same request stays on HTTP/1.1 where the server offers it', async () => {
    const response = await session.get(`${both.url}/plain`);
    expect((response.json() as Echo).httpVersion).toBe('1.1');
    const upgraded = await session.get(`${both.url}/plain`, { http2: true });
    expect((upgraded.json() as Echo).httpVersion).toBe('2.0');
  });

  it('session.http2 = true applies to every request; cookies set over HTTP/2 reach the session jar and are sent back', async () => {
    const own = new FuturesSession({ executor: session.executor, http2: true, verify: false, trustEnv: false });
    try {
      expect(own.http2).toBe(true);
      await own.get(`${h2only.url}/set-cookie`);
      expect(own.cookies.get('h2')).toBe('yes');
      const echoed = (await own.get(`${h2only.url}/echo`)).json() as Echo;
      expect(echoed).toMatchObject({ httpVersion: '2.0', cookie: 'h2=yes' });
      own.http2 = false;
      expect((await own.get(`${both.url}/echo`)).json()).toMatchObject({ httpVersion: '1.1' });
    } finally {
      await own.close();
    }
  });

  it('an untrusted certificate is an SSLError over HTTP/2 too', async () => {
    const strict = new FuturesSession({ executor: session.executor });
    try {
      await expect(strict.get(`${h2only.url}/echo`, { http2: true })).rejects.toBeInstanceOf(SSLError);
    } finally {
      await strict.close();
    }
  });

  it('a mistyped http2 is a TypeError at call time', () => {
    expect(() => session.get(`${h2only.url}/echo`, { http2: 'yes' as never })).toThrow(/http2/);
    expect(() => new FuturesSession({ http2: 1 as never })).toThrow(/http2 must be a boolean/);
  });
});

describe('http2 sessions are closed with their FuturesSession', () => {
  it('no HTTP/2 session stays open on the server after close()', async () => {
    const h2 = await startH2(false);
    const session = new FuturesSession({ verify: false, http2: true, trustEnv: false });
    try {
      await Promise.all([1, 2, 3].map((n) => session.get(`${h2.url}/${n}`)));
      expect(h2.sessions()).toBeGreaterThan(0);
      await session.close();
      await until(() => h2.sessions() === 0, 'the HTTP/2 sessions to close');
    } finally {
      await session.close();
      await new Promise((resolve) => h2.server.close(resolve));
    }
  });
});
