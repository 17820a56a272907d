import { describe, expect, it } from '@jest/globals';
import got from 'got';
import { AgentPool } from '../../dist/http/agents.js';
import { ReadTimeout } from '../../dist/http/errors.js';
import { gotFor, requestsGot } from '../../dist/http/got-instance.js';
import { definedOptions, requestWithDefinedOptions } from '../../dist/http/native-request.js';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { performRequest } from '../../dist/http/request.js';
import { standaloneTaskContext } from '../../dist/task-context.js';
import { agents, send, useTestEngine } from './engine.js';
import { specFor } from './spec-for.js';

useTestEngine();

describe('requestsGot', () => {
  it("has requests' semantics as defaults, so requests pass only what varies", () => {
    const options = requestsGot(got).defaults.options;
    expect(options.retry.limit).toBe(0);
    expect([options.followRedirect, options.throwHttpErrors, options.decompress, options.allowGetBody]).toEqual([false, false, true, true]);
  });

  it('has an empty cacheOptions, which keeps got off a slow object spread on every request', () => {
    const instance = requestsGot(got);
    expect(Object.keys(instance.defaults.options.cacheOptions)).toEqual([]);
    // got's own defaults are untouched.
    expect(Object.keys(got.defaults.options.cacheOptions)).not.toEqual([]);
  });
});

describe('gotFor: one got instance per configuration', () => {
  const pool = { maxSize: 4, block: false };

  it('reuses the instance of the same agents, timeouts and verify, and carries them as its defaults', () => {
    const base = requestsGot(got);
    const local = new AgentPool();
    try {
      const set = local.agentsFor(pool, true, null, null);
      // agentsFor hands out one object per configuration, which the cache is keyed on.
      expect(local.agentsFor(pool, true, null, null)).toBe(set);
      const instance = gotFor(base, { agents: set, timeout: { socket: 500 }, verify: true });
      expect(gotFor(base, { agents: set, timeout: { socket: 500 }, verify: true })).toBe(instance);
      const options = instance.defaults.options;
      expect(options.agent.http).toBe(set.http);
      expect(options.agent.https).toBe(set.https);
      expect(options.timeout.socket).toBe(500);
      expect(options.https.rejectUnauthorized).toBe(true);
      // requests' semantics and the emptied cacheOptions carry over from the base instance.
      expect([options.followRedirect, options.throwHttpErrors, options.retry.limit]).toEqual([false, false, 0]);
      expect(Object.keys(options.cacheOptions)).toEqual([]);

      const otherTimeout = gotFor(base, { agents: set, timeout: {}, verify: true });
      const unverified = gotFor(base, { agents: local.agentsFor(pool, false, null, null), timeout: { socket: 500 }, verify: false });
      expect(otherTimeout).not.toBe(instance);
      expect(otherTimeout.defaults.options.timeout.socket).toBeUndefined();
      expect(unverified).not.toBe(instance);
      expect(unverified.defaults.options.https.rejectUnauthorized).toBe(false);
    } finally {
      local.destroy();
    }
  });

  it('hands out the agents of each configuration, whichever was asked for just before', () => {
    const local = new AgentPool();
    try {
      const configs = [
        [pool, true],
        [{ maxSize: 8, block: false }, true],
        [pool, false],
        [{ maxSize: 4, block: true }, true],
        [pool, fileURLToPath(new URL('./fixtures/localhost-cert.pem', import.meta.url))],
      ] as const;
      const first = configs.map(([options, verify]) => local.agentsFor(options, verify, null, null));
      expect(new Set(first).size).toBe(configs.length);
      // Every order of asking, the same one in a row included, gets each configuration's own agents.
      for (const index of [0, 0, 1, 0, 2, 2, 3, 4, 0, 4, 1]) {
        const [options, verify] = configs[index]!;
        expect(local.agentsFor({ ...options }, verify, null, null)).toBe(first[index]);
      }
      expect(local.agentsFor(pool, true, new URL('http://127.0.0.1:9'), null)).not.toBe(first[0]);
      expect(local.agentsFor(pool, true, null, null)).toBe(first[0]);
      local.destroy();
      expect(() => local.agentsFor(pool, true, null, null)).toThrow(/destroyed/);
    } finally {
      local.destroy();
    }
  });

  it("applies each request's own timeout, whatever configuration ran before it on the same agents", async () => {
    await expect(send('/delay/1', { timeout: 0.1 })).rejects.toThrow(ReadTimeout);
    expect((await send('/delay/0.3', { timeout: null })).statusCode).toBe(200);
    await expect(send('/delay/1', { timeout: [null, 0.1] })).rejects.toThrow(ReadTimeout);
    expect((await send('/delay/0.3', { timeout: 5 })).statusCode).toBe(200);
  });
});

describe('requestWithDefinedOptions: node:http is handed only the options got gave a value', () => {
  it('keeps every defined option, false, null and 0 included, and drops the undefined ones without touching the original', () => {
    const agent = {};
    const options = { method: 'GET', agent, setHost: false, lookup: undefined, family: 0, ca: null, timeout: undefined };
    const defined = definedOptions(options);
    expect(defined).toEqual({ method: 'GET', agent, setHost: false, family: 0, ca: null });
    expect(Object.keys(defined)).toEqual(['method', 'agent', 'setHost', 'family', 'ca']);
    expect(defined.agent).toBe(agent);
    expect('lookup' in options && 'timeout' in options).toBe(true);
    // Copied onto a given object, over what it holds.
    const into = { method: 'POST', path: '/p' };
    expect(definedOptions({ method: 'GET', lookup: undefined }, into as Record<string, unknown>)).toBe(into);
    expect(into).toEqual({ method: 'GET', path: '/p' });
  });

  it("sends to the URL's host, port and path, with its credentials, over IPv6 too", async () => {
    const seen: { host: string | undefined; url: string | undefined; authorization: string | undefined; family: string | undefined }[] = [];
    const local = createServer((request, response) => {
      seen.push({ host: request.headers.host, url: request.url, authorization: request.headers.authorization, family: request.socket.remoteFamily });
      response.end('ok');
    });
    local.listen(0, '::1');
    await once(local, 'listening');
    const port = (local.address() as AddressInfo).port;
    try {
      const sent = requestWithDefinedOptions(new URL(`http://user:p%40ss@[::1]:${port}/a/b?c=d#frag`), { method: 'GET', headers: { 'x-a': '1' }, lookup: undefined });
      sent.end();
      const [response] = (await once(sent, 'response')) as [IncomingMessage];
      response.resume();
      await once(response, 'end');
      expect(seen).toEqual([{ host: `[::1]:${port}`, url: '/a/b?c=d', authorization: `Basic ${Buffer.from('user:p@ss').toString('base64')}`, family: 'IPv6' }]);
    } finally {
      local.close();
      local.closeAllConnections();
    }
  });

  it("is each HTTP/1.1 configuration's request function, and an HTTP/2 hop's instance leaves got its own", () => {
    const base = requestsGot(got);
    const local = new AgentPool();
    try {
      const set = local.agentsFor({ maxSize: 4, block: false }, true, null, null);
      const http1 = gotFor(base, { agents: set, timeout: {}, verify: true });
      const http2 = gotFor(base, { agents: set, timeout: {}, verify: true, http2: {} });
      expect(http1.defaults.options.request).toBe(requestWithDefinedOptions);
      expect(http2).not.toBe(http1);
      expect(http2.defaults.options.request).toBeUndefined();
    } finally {
      local.destroy();
    }
  });

  it("sends what got built, on the agent's kept-alive socket, over http", async () => {
    const seen: { port: number | undefined; probe: string | undefined; method: string | undefined; path: string | undefined }[] = [];
    const local = createServer((request, response) => {
      seen.push({ port: request.socket.remotePort, probe: request.headers['x-probe'] as string | undefined, method: request.method, path: request.url });
      response.end('ok');
    });
    local.listen(0, '127.0.0.1');
    await once(local, 'listening');
    const url = `http://127.0.0.1:${(local.address() as AddressInfo).port}/path?q=1`;
    try {
      for (const probe of ['one', 'two']) {
        const response = await performRequest(specFor(url, { headers: { 'X-Probe': probe } }), standaloneTaskContext(), { agents });
        expect(new TextDecoder().decode(response.content)).toBe('ok');
      }
      expect(seen.map(({ probe, method, path }) => [probe, method, path])).toEqual([['one', 'GET', '/path?q=1'], ['two', 'GET', '/path?q=1']]);
      expect(seen[1]!.port).toBe(seen[0]!.port);
    } finally {
      local.close();
      local.closeAllConnections();
    }
  });
});
