/**
 * session.headers / params / proxies behave like requests' dicts on both
 * executors: what is assigned goes on the wire, what is deleted does not,
 * and an assignment that cannot be an item throws instead of vanishing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FuturesSession, InvalidHeader, Session, type Executor } from '@requests-futures/core';
import { startProxy } from '../helpers/forward-proxy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { dictBehind } from '../../dist/session/item-access.js';
import { executorCases } from './executors.js';

function headerOf(body: { headers: Record<string, string> }, name: string): string | undefined {
  const key = Object.keys(body.headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body.headers[key];
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe.each(executorCases)('session dicts on $name', ({ make }) => {
  let executor: Executor;
  beforeAll(() => {
    executor = make();
  });
  afterAll(async () => {
    await executor.shutdown();
  });

  it("session.headers['X-A'] = '1' goes on the wire; delete and a case-insensitive lookup work", async () => {
    const session = new FuturesSession({ executor });
    session.headers['X-A'] = '1';
    session.headers['x-number'] = 7 as unknown as string;
    expect(session.headers['x-a']).toBe('1');
    expect('X-a' in session.headers).toBe(true);
    session.headers['X-Gone'] = 'g';
    delete session.headers['x-gone'];
    delete session.headers['user-agent'];
    const body = (await session.get(`${server.url}/headers`)).json();
    expect(headerOf(body, 'X-A')).toBe('1');
    expect(headerOf(body, 'X-Number')).toBe('7');
    expect(headerOf(body, 'X-Gone')).toBeUndefined();
    expect(headerOf(body, 'User-Agent')).toBeUndefined();
    await session.close();
  });

  it('update() adds and replaces, null removes, and the request still wins', async () => {
    const session = new FuturesSession({ executor, headers: { 'X-Old': 'o' } });
    session.headers.update({ 'X-B': 'b', 'x-old': null, Accept: 'text/plain' });
    session.params.update({ a: '1', list: ['x', 'y'] });
    session.params['b'] = 2 as unknown as string;
    const body = (await session.get(`${server.url}/get`, { headers: { Accept: 'application/json' }, params: { b: '3' } })).json();
    expect(headerOf(body, 'X-B')).toBe('b');
    expect(headerOf(body, 'X-Old')).toBeUndefined();
    expect(headerOf(body, 'Accept')).toBe('application/json');
    expect(body.args).toEqual({ a: '1', list: ['x', 'y'], b: '3' });
    await session.close();
  });

  it('session.proxies[scheme] = url routes the request through that proxy', async () => {
    const proxy = await startProxy();
    const session = new FuturesSession({ executor });
    try {
      session.proxies['http'] = proxy.url;
      const resp = await session.get(`${server.url}/get`);
      expect(resp.statusCode).toBe(200);
      expect(proxy.seen.map((s) => s.target)).toEqual([`${server.url}/get`]);
      delete session.proxies.http;
      await session.get(`${server.url}/get`);
      expect(proxy.seen).toHaveLength(1);
    } finally {
      await session.close();
      await proxy.close();
    }
  });
});

describe('session dicts as dicts', () => {
  it('iterate as [name, value] pairs in the case last set, and spread into a plain object', () => {
    const session = new Session({ headers: { 'X-A': '1' } });
    session.headers['x-a'] = '2';
    expect([...session.headers].find(([name]) => name.toLowerCase() === 'x-a')).toEqual(['x-a', '2']);
    expect({ ...session.headers }['x-a']).toBe('2');
    expect(Object.keys(session.headers)).toContain('User-Agent');
    session.params = 'a=1&b=2&a=3';
    expect(session.params.toObject()).toEqual({ a: ['1', '3'], b: '2' });
    expect([...session.params.keys()]).toEqual(['a', 'b']);
    session.proxies = { https: 'http://127.0.0.1:9' };
    expect(Object.entries(session.proxies)).toEqual([['https', 'http://127.0.0.1:9']]);
    session.headers = { Only: 'this' };
    expect(session.headers.toObject()).toEqual({ Only: 'this' });
  });

  it('the dict behind each Proxy (what a request reads) holds what was assigned through it', () => {
    const session = new Session({ headers: { 'X-A': '1' }, params: { p: '1' } });
    session.headers['X-B'] = '2';
    session.params['q'] = '3';
    session.proxies = { http: 'http://127.0.0.1:9' };
    const headers = dictBehind(session.headers);
    expect(headers).not.toBe(session.headers);
    expect(headers.toCheckedObject()).toEqual(session.headers.toCheckedObject());
    expect(headers.get('x-b')).toBe('2');
    expect(dictBehind(session.params).toObject()).toEqual({ p: '1', q: '3' });
    expect(dictBehind(session.proxies).size).toBe(1);
    delete session.headers['X-A'];
    expect(headers.has('X-A')).toBe(false);
    const plain = { size: 0 };
    expect(dictBehind(plain)).toBe(plain);
  });

  it('a Session and the FuturesSession built from it share one headers dict', async () => {
    const plain = new Session();
    const futures = new FuturesSession({ session: plain });
    plain.headers['X-Shared'] = 's';
    expect(futures.headers['x-shared']).toBe('s');
    await futures.close();
  });

  it('assigning to a method name, or a bad value, throws naming it', () => {
    const session = new Session();
    expect(() => {
      // The compiler refuses this line too; JavaScript callers get the TypeError.
      (session.headers as unknown as Record<string, unknown>)['update'] = 'x';
    }).toThrow(new TypeError("session.headers['update'] is a method or field of session.headers, not an item: use session.headers.set('update', value)"));
    expect(() => {
      session.headers['X-List'] = ['a'] as unknown as string;
    }).toThrow(InvalidHeader);
    expect(() => {
      session.params['q'] = { nested: true } as unknown as string;
    }).toThrow(/session\.params\['q'\] must be a string, number, boolean or a list of them/);
    expect(() => {
      session.proxies['http'] = 3128 as unknown as string;
    }).toThrow(/session\.proxies\['http'\] must be a proxy URL string/);
    expect(session.headers.has('X-List')).toBe(false);
  });
});
