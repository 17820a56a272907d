/**
 * A CA bundle given as `verify` is parsed once per pool, not once per TLS
 * connection (http/shared-tls-context.ts), against a loopback HTTPS server
 * that closes every connection after its answer. Parses are counted by
 * wrapping node:tls's createSecureContext, which tls.connect calls for every
 * connection it is handed no context for (restored after each count).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import { createServer, type Server } from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { FuturesSession, SSLError, type Executor } from '@requests-futures/core';
import { AgentPool } from '../../dist/http/agents.js';
import { performRequest } from '../../dist/http/request.js';
import { standaloneTaskContext } from '../../dist/task-context.js';
import { startProxy } from '../helpers/forward-proxy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makeSelfSignedCert } from '../reliability/support/self-signed-cert.js';
import { executorCases } from '../session/executors.js';
import { specFor, type SpecOverrides } from './spec-for.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const MISSING_BUNDLE = '/no/such/ca-bundle.pem';

let dir: string;
/** The system bundle with the test server's CA at its end, as a corporate bundle would hold an internal CA. */
let bundle: string;
let server: Server;
let url: string;
let connections = 0;
let plain: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rf-shared-tls-'));
  bundle = join(dir, 'bundle.pem');
  writeFileSync(bundle, Buffer.concat([readFileSync(SYSTEM_BUNDLE), Buffer.from('\n'), readFileSync(fixture('localhost-cert.pem'))]));
  server = createServer({ cert: readFileSync(fixture('localhost-cert.pem')), key: readFileSync(fixture('localhost-key.pem')) }, (req, res) => {
    // /close: every request a new TLS connection; anything else keeps it alive.
    res.writeHead(200, { 'Content-Type': 'application/json', ...(req.url === '/close' ? { Connection: 'close' } : {}) });
    res.end(JSON.stringify({ path: req.url }));
  });
  server.on('secureConnection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  plain = await startTestServer();
});

afterAll(async () => {
  server.closeAllConnections();
  await Promise.all([new Promise((resolve) => server.close(resolve)), plain.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** `run`'s result and how many SecureContexts this process made meanwhile. */
async function countingContexts<T>(run: () => Promise<T>): Promise<{ result: T; made: number }> {
  const original = tls.createSecureContext;
  let made = 0;
  tls.createSecureContext = (options) => {
    made += 1;
    return original(options);
  };
  // Named imports of node:tls (the engine's) see the wrapper too.
  syncBuiltinESMExports();
  try {
    return { result: await run(), made };
  } finally {
    tls.createSecureContext = original;
    syncBuiltinESMExports();
  }
}

async function inTurn<T>(count: number, send: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < count; i++) results.push(await send());
  return results;
}

describe.each(executorCases)('verify as a CA bundle on $name', ({ make, crossesProcesses }) => {
  let executor: Executor;
  let session: FuturesSession;
  beforeAll(() => {
    executor = make();
    // trustEnv off: REQUESTS_CA_BUNDLE, if set around the tests, would outrank verify for the http:// case.
    session = new FuturesSession({ executor, trustEnv: false });
  });
  afterAll(async () => {
    await session.close();
    await executor.shutdown();
  });

  it('six requests, each on a new connection, are verified and answered', async () => {
    const before = connections;
    const { result: responses, made } = await countingContexts(() => inTurn(6, () => session.get(`${url}/close`, { verify: bundle }).result()));
    expect(responses.map((r) => r.json())).toEqual(Array(6).fill({ path: '/close' }));
    expect(connections - before).toBe(6);
    // In-process, the bundle is parsed once for all six; a pool child's parses are its own.
    if (!crossesProcesses) expect(made).toBe(1);
  });

  it('a bundle without the server\'s CA still fails verification with SSLError', async () => {
    const error = (await session.get(`${url}/close`, { verify: SYSTEM_BUNDLE }).result().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(SSLError);
    expect((error.cause as { code?: string }).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('an http:// request with a missing bundle is the SSLError it always was', async () => {
    const error = (await session.get(`${plain.url}/get`, { verify: MISSING_BUNDLE }).result().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(SSLError);
    expect(error.message).toBe(`Could not find a suitable TLS CA certificate bundle, invalid path: ${MISSING_BUNDLE}`);
  });
});

describe('one context per pool', () => {
  let agents: AgentPool;
  beforeAll(() => {
    agents = new AgentPool();
  });
  afterAll(() => agents.destroy());
  const send = (target: string, overrides: SpecOverrides = {}) => performRequest(specFor(target, { verify: bundle, ...overrides }), standaloneTaskContext(), { agents });

  it('an http:// request with a bundle parses nothing', async () => {
    const { result: response, made } = await countingContexts(() => send(`${plain.url}/get`));
    expect(response.statusCode).toBe(200);
    expect(made).toBe(0);
  });

  it('kept-alive requests still share one connection', async () => {
    const before = connections;
    const { result: responses, made } = await countingContexts(() => inTurn(3, () => send(`${url}/keep`)));
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(connections - before).toBe(1);
    expect(made).toBeLessThanOrEqual(1);
  });

  it('another pool size makes agents of its own but parses the bundle no more', async () => {
    await send(`${url}/close`);
    const { result: response, made } = await countingContexts(() => send(`${url}/close`, { pool: { maxSize: 3, block: true } }));
    expect(response.statusCode).toBe(200);
    expect(made).toBe(0);
  });

  it('a client certificate over new connections: presented each time, parsed once', async () => {
    const clientCert = await makeSelfSignedCert();
    const strict = createServer({ cert: readFileSync(fixture('localhost-cert.pem')), key: readFileSync(fixture('localhost-key.pem')), ca: [clientCert.cert], requestCert: true, rejectUnauthorized: true }, (req, res) => {
      res.writeHead(200, { Connection: 'close' }).end(String((req.socket as TLSSocket).authorized));
    });
    await new Promise<void>((resolve) => strict.listen(0, '127.0.0.1', resolve));
    try {
      const target = `https://127.0.0.1:${(strict.address() as AddressInfo).port}/`;
      const { result: responses, made } = await countingContexts(() => inTurn(3, () => send(target, { cert: [clientCert.certPath, clientCert.keyPath] })));
      expect(responses.map((r) => r.text)).toEqual(['true', 'true', 'true']);
      expect(made).toBe(1);
    } finally {
      await new Promise((resolve) => strict.close(resolve));
      await clientCert.remove();
    }
  });

  it('through a CONNECT proxy, every tunnel uses the one context', async () => {
    const proxy = await startProxy();
    try {
      const { result: responses, made } = await countingContexts(() => inTurn(3, () => send(`${url}/close`, { proxies: { https: proxy.url } })));
      expect(responses.map((r) => r.json())).toEqual(Array(3).fill({ path: '/close' }));
      expect(proxy.seen.filter((seen) => seen.kind === 'connect')).toHaveLength(3);
      expect(made).toBeLessThanOrEqual(1);
    } finally {
      await proxy.close();
    }
  });

  it('through a CONNECT proxy, a bundle without the server\'s CA fails verification with SSLError', async () => {
    const proxy = await startProxy();
    try {
      const error = (await send(`${url}/close`, { proxies: { https: proxy.url }, verify: SYSTEM_BUNDLE }).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(SSLError);
    } finally {
      await proxy.close();
    }
  });
  it('through a CONNECT proxy, a key file that is not a key is an SSLError of that request', async () => {
    const notAKey = join(dir, 'not-a-key.pem');
    writeFileSync(notAKey, '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n');
    const proxy = await startProxy();
    try {
      const error = (await send(`${url}/close`, { proxies: { https: proxy.url }, verify: false, cert: [fixture('localhost-cert.pem'), notAKey] }).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(SSLError);
    } finally {
      await proxy.close();
    }
  });
});

describe('http2: true with a CA bundle', () => {
  let h2: Http2SecureServer;
  let h2Url: string;
  let agents: AgentPool;
  beforeAll(async () => {
    // A server of its own: http2-wrapper remembers each origin's ALPN answer for the process.
    h2 = createSecureServer({ cert: readFileSync(fixture('localhost-cert.pem')), key: readFileSync(fixture('localhost-key.pem')) }, (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ httpVersion: req.httpVersion }));
    });
    await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
    h2Url = `https://127.0.0.1:${(h2.address() as AddressInfo).port}/`;
    agents = new AgentPool();
    // Loading, http2-wrapper makes one TLSSocket (a default context) of its own: not a parse of the bundle.
    await import('http2-wrapper');
  });
  afterAll(async () => {
    agents.destroy();
    await new Promise((resolve) => h2.close(resolve));
  });
  const send = (overrides: SpecOverrides, target = h2Url) => performRequest(specFor(target, { http2: true, ...overrides }), standaloneTaskContext(), { agents });

  it('HTTP/2 sessions to two origins share one parse of the bundle', async () => {
    // One server, two origins (its certificate names both): a session, and an ALPN probe, each.
    const { result: responses, made } = await countingContexts(async () => [await send({ verify: bundle }), await send({ verify: bundle }, h2Url.replace('127.0.0.1', 'localhost'))]);
    expect(responses.map((r) => r.json())).toEqual([{ httpVersion: '2.0' }, { httpVersion: '2.0' }]);
    expect(made).toBe(1);
  });

  it('a session verified against one bundle is not reused for a request that asks for another', async () => {
    expect((await send({ verify: bundle })).statusCode).toBe(200);
    const error = (await send({ verify: SYSTEM_BUNDLE }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(SSLError);
  });

  /**
   * Runs `check` against an h2 server that asks for a client certificate (`required`: it refuses a
   * handshake without a trusted one) and answers whether the request's connection presented one;
   * `cert` is the certificate it trusts, as a request's `cert` option.
   */
  async function withCertAskingH2(required: boolean, check: (url: string, cert: [string, string]) => Promise<void>): Promise<void> {
    const clientCert = await makeSelfSignedCert();
    const server = createSecureServer(
      { cert: readFileSync(fixture('localhost-cert.pem')), key: readFileSync(fixture('localhost-key.pem')), ca: [clientCert.cert], requestCert: true, rejectUnauthorized: required },
      (req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ httpVersion: req.httpVersion, authorized: (req.socket as TLSSocket).authorized }));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await check(`https://127.0.0.1:${(server.address() as AddressInfo).port}/`, [clientCert.certPath, clientCert.keyPath]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await clientCert.remove();
    }
  }

  it('a client certificate is presented over HTTP/2, to a server that requires one', async () => {
    // Before, http2 sessions were made without it: the server refused the handshake.
    await withCertAskingH2(true, async (url, cert) => {
      expect((await send({ verify: bundle, cert }, url)).json()).toEqual({ httpVersion: '2.0', authorized: true });
    });
  });

  it('a server that refuses a request without a client certificate after a TLS 1.3 handshake fails it as SSLError, and the next request too', async () => {
    // TLS 1.3 refuses the certificate after the client's handshake is done: Node 20 then destroyed the
    // HTTP/2 session without a 'close', and http2-wrapper waited for one forever (http2-agents.ts).
    await withCertAskingH2(true, async (url) => {
      for (const attempt of [1, 2]) {
        const error = (await send({ verify: bundle }, url).catch((e: unknown) => e)) as Error;
        expect([attempt, error]).toEqual([attempt, expect.any(SSLError)]);
        expect(error.message).toMatch(/CERTIFICATE_REQUIRED|certificate required/i);
      }
    });
  });

  it('an HTTP/2 session that presented a client certificate is not reused for a request without one', async () => {
    await withCertAskingH2(false, async (url, cert) => {
      expect((await send({ verify: bundle, cert }, url)).json()).toEqual({ httpVersion: '2.0', authorized: true });
      expect((await send({ verify: bundle }, url)).json()).toEqual({ httpVersion: '2.0', authorized: false });
    });
  });
});
