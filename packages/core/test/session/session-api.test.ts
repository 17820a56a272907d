/**
 * The session API against both executors: everything a requests-futures user
 * does with a FuturesSession, and twins of upstream's RequestsTestCase /
 * RequestsProcessPoolTestCase. Hooks are fnRefs so the same case runs in
 * child processes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ConnectionError,
  FuturesSession,
  InvalidSchema,
  InvalidURL,
  MissingSchema,
  ReadTimeout,
  Response,
  Session,
  TooManyRedirects,
  type Executor,
} from '@requests-futures/core';
import { startTestServer } from '../helpers/server.js';
import { executorCases, hook } from './executors.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

function headerOf(body: { headers: Record<string, string> }, name: string): string | undefined {
  const key = Object.keys(body.headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body.headers[key];
}

describe.each(executorCases)('FuturesSession on $name', ({ make }) => {
  let server: Server;
  let executor: Executor;
  let session: FuturesSession;

  beforeAll(async () => {
    server = await startTestServer();
    executor = make();
    session = new FuturesSession({ executor });
  });

  afterAll(async () => {
    await session.close();
    await executor.shutdown();
    await server.close();
  });

  it('returns a Future at once and resolves it to a Response', async () => {
    const future = session.get(`${server.url}/get`, { params: { foo: 'bar' } });
    expect(typeof future.result).toBe('function');
    const resp = await future.result();
    expect(resp).toBeInstanceOf(Response);
    expect(resp.statusCode).toBe(200);
    expect(resp.ok).toBe(true);
    expect(resp.json().args).toEqual({ foo: 'bar' });
    expect(resp.request.method).toBe('GET');
    expect(resp.request.url).toBe(`${server.url}/get?foo=bar`);
    expect(future.done()).toBe(true);
  });

  it('treats a 404 as a response, not an error', async () => {
    const resp = await session.get(`${server.url}/status/404`);
    expect(resp.statusCode).toBe(404);
    expect(resp.ok).toBe(false);
    expect(() => resp.raiseForStatus()).toThrow(/404 Client Error/);
  });

  it('merges session headers, params and auth with the request like requests does', async () => {
    const local = new FuturesSession({ executor, headers: { 'X-Session': 's', 'X-Drop': 'd' }, params: { a: '1' } });
    local.auth = ['user', 'pass'];
    const resp = await local.get(`${server.url}/get`, { headers: { 'X-Request': 'r', 'x-drop': null }, params: { b: '2' } });
    const body = resp.json();
    expect(headerOf(body, 'X-Session')).toBe('s');
    expect(headerOf(body, 'X-Request')).toBe('r');
    expect(headerOf(body, 'X-Drop')).toBeUndefined();
    expect(headerOf(body, 'Authorization')).toBe(`Basic ${Buffer.from('user:pass').toString('base64')}`);
    expect(body.args).toEqual({ a: '1', b: '2' });
    await local.close();
  });

  it('keeps cookies set by responses in the session jar, wherever the request ran', async () => {
    const local = new FuturesSession({ executor });
    await local.get(`${server.url}/cookies/set?flavour=oat`);
    expect(local.cookies.get('flavour')).toBe('oat');
    const seen = await local.get(`${server.url}/cookies`, { cookies: { extra: '1' } });
    expect(seen.json().cookies).toEqual({ flavour: 'oat', extra: '1' });
    // request-level cookies are not persisted (requests semantics)
    expect(local.cookies.get('extra')).toBeUndefined();
    await local.close();
  });

  it('sends form data, json and files', async () => {
    const form = (await session.post(`${server.url}/post`, { data: { k: 'v' } })).json();
    expect(form.form).toEqual({ k: 'v' });
    const json = (await session.post(`${server.url}/post`, { json: { n: [1, 2] } })).json();
    expect(json.json).toEqual({ n: [1, 2] });
    const files = (
      await session.post(`${server.url}/post`, {
        data: { field: 'x' },
        files: { upload: { filename: 'a.txt', content: 'hello file', contentType: 'text/plain' } },
      })
    ).json();
    expect(files.files.upload).toBe('hello file');
    expect(files.form.field).toBe('x');
  });

  it('follows redirects (at most 30) and keeps the history', async () => {
    const resp = await session.get(`${server.url}/redirect/3`);
    expect(resp.statusCode).toBe(200);
    expect(resp.history.map((r) => r.statusCode)).toEqual([302, 302, 302]);
    expect(resp.history[0]).toBeInstanceOf(Response);
    const notFollowed = await session.get(`${server.url}/redirect/1`, { allowRedirects: false });
    expect(notFollowed.statusCode).toBe(302);
    await expect(session.get(`${server.url}/redirect/31`).result()).rejects.toBeInstanceOf(TooManyRedirects);
  });

  it('runs a response hook that sets data, and one whose return value replaces the response', async () => {
    const withData = (await session.get(`${server.url}/get`, { hooks: { response: hook('setData') } })) as Response & {
      data: { url: string };
    };
    expect(withData.data.url).toBe(`${server.url}/get`);
    const replaced = await session.get(`${server.url}/get?x=1`, { hooks: { response: hook('returnJson') } }).result();
    expect(replaced).not.toBeInstanceOf(Response);
    expect((replaced as unknown as { args: unknown }).args).toEqual({ x: '1' });
  });

  it('runs hooks in order, session hooks when the request has none', async () => {
    const local = new FuturesSession({ executor, hooks: { response: [hook('markFirst'), hook('markSecond')] } });
    const resp = (await local.get(`${server.url}/get`)) as Response & { order: string[] };
    expect(resp.order).toEqual(['first', 'second']);
    // requests' merge_hooks: request hooks replace the session's
    const own = (await local.get(`${server.url}/get`, { hooks: { response: hook('setData') } })) as Response & {
      order?: string[];
      data?: unknown;
    };
    expect(own.order).toBeUndefined();
    expect(own.data).toBeDefined();
    await local.close();
  });

  it('rejects the future with the error a hook throws', async () => {
    const future = session.get(`${server.url}/get`, { hooks: { response: hook('boom') } });
    await expect(future.result()).rejects.toThrow('boom');
    const custom = await session.get(`${server.url}/get`, { hooks: { response: hook('throwCustom') } }).exception();
    expect((custom as Error).name).toBe('HookFailure');
    expect((custom as Error).message).toBe('custom hook failure');
  });

  it('runs a backgroundCallback, whose changes reach the response', async () => {
    const resp = (await session.get(`${server.url}/get`, { backgroundCallback: hook('backgroundData') })) as Response & {
      data: { url: string };
    };
    expect(resp.data.url).toBe(`${server.url}/get`);
  });

  it('surfaces request errors at result(), typed', async () => {
    const refused = session.get('http://127.0.0.1:1/');
    await expect(refused.result()).rejects.toBeInstanceOf(ConnectionError);
    await expect(session.get('example.com/x').result()).rejects.toBeInstanceOf(MissingSchema);
    await expect(session.get('ftp://127.0.0.1/x').result()).rejects.toBeInstanceOf(InvalidSchema);
    await expect(session.get('http://').result()).rejects.toBeInstanceOf(InvalidURL);
    await expect(session.get(`${server.url}/delay/3`, { timeout: [null, 0.2] }).result()).rejects.toBeInstanceOf(ReadTimeout);
  });

  it('exposes meta on the future', async () => {
    const future = session.get(`${server.url}/get`, { meta: { row: 7 } });
    expect(future.meta).toEqual({ row: 7 });
    await future;
  });

  it('aborts a running request through its signal and through future.abort()', async () => {
    const controller = new AbortController();
    const viaSignal = session.get(`${server.url}/delay/10`, { signal: controller.signal });
    const viaFuture = session.get(`${server.url}/delay/10`);
    while (!viaSignal.running() || !viaFuture.running()) await new Promise((r) => setImmediate(r));
    const started = Date.now();
    controller.abort();
    viaFuture.abort();
    await expect(viaSignal.result()).rejects.toThrow();
    await expect(viaFuture.result()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
    // the executor is still usable afterwards
    expect((await session.get(`${server.url}/get`)).statusCode).toBe(200);
  });

  it('maps many URLs lazily with a bounded number outstanding', async () => {
    const local = new FuturesSession({ executor, maxQueued: 4 });
    let pulled = 0;
    let maxAhead = 0;
    let consumed = 0;
    function* urls() {
      for (let i = 0; i < 40; i++) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - consumed);
        yield `${server.url}/get?i=${i}`;
      }
    }
    const seen = new Set<string>();
    for await (const future of local.map(urls())) {
      consumed++;
      seen.add((await future).json().args.i);
    }
    expect(seen.size).toBe(40);
    expect(maxAhead).toBeLessThanOrEqual(5);
    await local.close();
  });
});

describe('FuturesSession construction and bad input', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('owns a ThreadPoolExecutor of 8 by default, or maxWorkers', async () => {
    const byDefault = new FuturesSession();
    expect(byDefault.executor.maxWorkers).toBe(8);
    const sixteen = new FuturesSession({ maxWorkers: 16 });
    expect(sixteen.executor.maxWorkers).toBe(16);
    await byDefault.close();
    await sixteen.close();
  });

  it('sizes the connection pool like requests-futures (10, raised to maxWorkers) unless adapterOptions say otherwise', async () => {
    expect(new FuturesSession({ maxWorkers: 4 }).state.pool.maxSize).toBe(10);
    expect(new FuturesSession({ maxWorkers: 20 }).state.pool.maxSize).toBe(20);
    const custom = new FuturesSession({ adapterOptions: { poolMaxSize: 32, poolBlock: true } });
    expect(custom.state.pool).toEqual({ maxSize: 32, block: true });
  });

  it('uses a supplied Session\'s state', async () => {
    const plain = new Session({ headers: { 'X-Supplied': 'yes' } });
    const session = new FuturesSession({ session: plain });
    expect(session.headers).toBe(plain.headers);
    const body = (await session.get(`${server.url}/headers`)).json();
    expect(headerOf(body, 'X-Supplied')).toBe('yes');
    await session.close();
    await plain.close();
  });

  it('rejects bad options with typed errors that name them', () => {
    const session = new FuturesSession();
    expect(() => session.get(`${server.url}/get`, { colour: 'red' } as never)).toThrow(/Unknown request option 'colour'/);
    expect(() => session.get(`${server.url}/get`, { timeout: -1 })).toThrow(RangeError);
    expect(() => session.get(`${server.url}/get`, { timeout: Number.NaN })).toThrow(/timeout/);
    expect(() => session.get(`${server.url}/get`, { headers: 'x' as never })).toThrow(/'headers' must be an object/);
    expect(() => new FuturesSession({ maxWorkers: 0 })).toThrow(/maxWorkers/);
    return session.close();
  });

  it('throws when a closed session is used', async () => {
    const session = new FuturesSession();
    await session.close();
    expect(() => session.get(`${server.url}/get`)).toThrow(/closed session/);
  });

  it('does not shut down an executor it was given', async () => {
    const owned = new FuturesSession();
    const shared = new FuturesSession({ executor: owned.executor });
    await shared.close();
    expect((await owned.get(`${server.url}/get`)).statusCode).toBe(200);
    await owned.close();
    expect(() => owned.executor.submit(() => 1)).toThrow();
  });

  it('applies a session-wide default timeout', async () => {
    const session = new FuturesSession({ timeout: 0.2 });
    await expect(session.get(`${server.url}/delay/3`).result()).rejects.toBeInstanceOf(ReadTimeout);
    await session.close({ abort: true });
  });
});

describe('Session (plain, awaitable)', () => {
  it('has the same methods and returns promises of responses', async () => {
    const server = await startTestServer();
    const session = new Session();
    const resp = await session.get(`${server.url}/get`, { params: { q: '1' } });
    expect(resp.json().args).toEqual({ q: '1' });
    await session.get(`${server.url}/cookies/set?k=v`);
    expect(session.cookies.get('k')).toBe('v');
    await session.close();
    await server.close();
  });
});
