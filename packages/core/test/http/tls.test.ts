import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { standaloneTaskContext } from '../../dist/task-context.js';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AgentPool } from '../../dist/http/agents.js';
import { ConnectionError, SSLError } from '../../dist/http/errors.js';
import { performRequest } from '../../dist/http/request.js';
import type { RequestSpec } from '../../dist/http/request-spec.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { specFor, type SpecOverrides } from './spec-for.js';

const CERT_PATH = fileURLToPath(new URL('./fixtures/localhost-cert.pem', import.meta.url));
const KEY_PATH = fileURLToPath(new URL('./fixtures/localhost-key.pem', import.meta.url));

let https: Server;
let httpsUrl: string;
let plain: TestServer;
let agents: AgentPool;

beforeAll(async () => {
  plain = await startTestServer();
  agents = new AgentPool();
  https = createServer({ cert: readFileSync(CERT_PATH), key: readFileSync(KEY_PATH) }, (req, res) => {
    if (req.url?.startsWith('/to-http')) {
      res.writeHead(302, { Location: `${plain.url}/headers` });
      res.end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ secure: true, authorization: req.headers.authorization ?? null }));
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  httpsUrl = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
});
afterAll(async () => {
  agents.destroy();
  https.closeAllConnections();
  await Promise.all([new Promise((resolve) => https.close(resolve)), plain.close()]);
});

const send = (path: string, overrides: SpecOverrides = {}) => performRequest(specFor(httpsUrl + path, overrides), standaloneTaskContext(), { agents });

describe('TLS', () => {
  it('a self-signed certificate fails verification with SSLError (a ConnectionError)', async () => {
    const error = (await send('/').catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(SSLError);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain(httpsUrl);
    expect((error.cause as { code?: string }).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('verify false skips verification', async () => {
    const r = await send('/', { verify: false });
    expect(r.json()).toEqual({ secure: true, authorization: null });
  });

  it('verify as a CA bundle path trusts that CA', async () => {
    const r = await send('/', { verify: CERT_PATH });
    expect(r.statusCode).toBe(200);
  });

  it('verify changing from one request to the next on one pool: each request is verified as it asked', async () => {
    expect((await send('/', { verify: false })).statusCode).toBe(200);
    await expect(send('/')).rejects.toThrow(SSLError);
    expect((await send('/', { verify: false })).statusCode).toBe(200);
    expect((await send('/', { verify: CERT_PATH })).statusCode).toBe(200);
    await expect(send('/')).rejects.toThrow(SSLError);
  });

  it('a missing CA bundle is SSLError naming the path', async () => {
    await expect(send('/', { verify: '/no/such/ca.pem' })).rejects.toThrow(/invalid path: \/no\/such\/ca\.pem/);
  });

  it('an https → http redirect drops Authorization', async () => {
    const r = await send('/to-http', { verify: false, auth: ['u', 'p'] });
    expect(r.url).toBe(`${plain.url}/headers`);
    expect(r.json().headers.Authorization).toBeUndefined();
    expect(r.history[0]!.request.headers.get('authorization')).toMatch(/^Basic /);
  });
});
