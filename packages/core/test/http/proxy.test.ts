import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { standaloneTaskContext } from '../../dist/task-context.js';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AgentPool } from '../../dist/http/agents.js';
import { ProxyError } from '../../dist/http/errors.js';
import { selectProxy } from '../../dist/http/proxy.js';
import { performRequest } from '../../dist/http/request.js';
import type { RequestSpec } from '../../dist/http/request-spec.js';
import { startProxy } from '../helpers/forward-proxy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { specFor, type SpecOverrides } from './spec-for.js';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)));

let target: TestServer;
let secure: HttpsServer;
let secureUrl: string;
let agents: AgentPool;

beforeAll(async () => {
  target = await startTestServer();
  agents = new AgentPool();
  secure = createHttpsServer({ cert: fixture('localhost-cert.pem'), key: fixture('localhost-key.pem') }, (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ tunnelled: true, path: req.url }));
  });
  await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
  secureUrl = `https://127.0.0.1:${(secure.address() as AddressInfo).port}`;
});
afterAll(async () => {
  agents.destroy();
  secure.closeAllConnections();
  await Promise.all([target.close(), new Promise((resolve) => secure.close(resolve))]);
});

const send = (url: string, overrides: SpecOverrides = {}) => performRequest(specFor(url, overrides), standaloneTaskContext(), { agents });

describe('proxies', () => {
  it('selects the most specific key, like requests', () => {
    const proxies = { http: 'http://p1:1', 'http://special.test': 'http://p2:2', all: 'p3:3' };
    expect(selectProxy('http://special.test/x', proxies)?.host).toBe('p2:2');
    expect(selectProxy('http://other.test/x', proxies)?.host).toBe('p1:1');
    expect(selectProxy('https://other.test/x', proxies)?.href).toBe('http://p3:3/');
    expect(selectProxy('https://other.test/x', { http: 'http://p1:1' })).toBeNull();
    expect(() => selectProxy('http://x/', { http: 'socks5://p:1' })).toThrow(/only http:\/\/ proxies/);
  });

  it('sends an http:// request to the proxy in absolute form, with proxy credentials', async () => {
    const proxy = await startProxy('pw');
    try {
      const proxyUrl = proxy.url.replace('http://', 'http://proxyuser:pw@');
      const r = await send(`${target.url}/get?via=proxy`, { proxies: { http: proxyUrl } });
      expect(r.statusCode).toBe(200);
      expect(r.json().args).toEqual({ via: 'proxy' });
      expect(r.json().url).toBe(`${target.url}/get?via=proxy`);
      expect(proxy.seen).toEqual([{ kind: 'forward', target: `${target.url}/get?via=proxy`, proxyAuthorization: 'Basic ' + Buffer.from('proxyuser:pw').toString('base64') }]);
      // The proxy's credentials never reach the target.
      expect(r.json().headers['Proxy-Authorization']).toBeUndefined();
    } finally {
      await proxy.close();
    }
  });

  it('tunnels https:// through CONNECT, TLS end to end', async () => {
    const proxy = await startProxy();
    try {
      const r = await send(`${secureUrl}/inside`, { proxies: { https: proxy.url }, verify: false });
      expect(r.json()).toEqual({ tunnelled: true, path: '/inside' });
      expect(proxy.seen).toEqual([{ kind: 'connect', target: secureUrl.replace('https://', '') }]);
    } finally {
      await proxy.close();
    }
  });

  it('a refused tunnel or an unreachable proxy is ProxyError', async () => {
    const proxy = await startProxy('secret');
    try {
      const error = (await send(`${secureUrl}/`, { proxies: { https: proxy.url }, verify: false }).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(ProxyError);
      expect(error.message).toContain('407');
    } finally {
      await proxy.close();
    }
    const gone = await send(`${target.url}/get`, { proxies: { http: proxy.url } }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ProxyError);
  });
});
