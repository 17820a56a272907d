/**
 * session.mount(prefix, adapterOptions) on both executors: a prefix's
 * poolMaxSize and poolBlock decide how many connections its requests open at
 * once, its maxRetries how often a 503 is retried, and the longest prefix wins.
 * The server below counts the requests it holds at once: each waits until
 * `want` are held or 300 ms have passed, so a pool that blocks shows 1 and one
 * that does not shows all of them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { FuturesSession, ProcessPoolExecutor, Session, ThreadPoolExecutor, type Executor } from '@requests-futures/core';
import { listenOnLoopback } from '@requests-futures/testing';

const HOLD_MS = 300;
const CONCURRENT = 3;

interface Counting {
  url: string;
  maxHeld: Map<string, number>;
  close(): Promise<void>;
}

async function startCountingServer(): Promise<Counting> {
  const held = new Map<string, number>();
  const maxHeld = new Map<string, number>();
  const waiting = new Map<string, Array<() => void>>();
  const attempts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/flaky/')) {
      // 503 twice, then 200: a prefix with maxRetries >= 2 gets the 200.
      const n = (attempts.get(path) ?? 0) + 1;
      attempts.set(path, n);
      res.writeHead(n <= 2 ? 503 : 200, { 'Retry-After': '0' }).end(String(n));
      return;
    }
    const group = path.split('/').slice(0, -1).join('/');
    const count = (held.get(group) ?? 0) + 1;
    held.set(group, count);
    maxHeld.set(group, Math.max(maxHeld.get(group) ?? 0, count));
    const release = () => {
      clearTimeout(timer);
      held.set(group, (held.get(group) ?? 1) - 1);
      res.end('ok');
    };
    const timer = setTimeout(release, HOLD_MS);
    const queue = [...(waiting.get(group) ?? []), release];
    if (count >= CONCURRENT) {
      waiting.delete(group);
      for (const go of queue) go();
    } else waiting.set(group, queue);
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    maxHeld,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// One child, so that its one connection pool is the only one (each child has its own).
const cases: Array<{ name: string; make: () => Executor }> = [
  { name: 'ThreadPoolExecutor', make: () => new ThreadPoolExecutor(8) },
  { name: 'ProcessPoolExecutor', make: () => new ProcessPoolExecutor({ maxWorkers: 1, concurrencyPerWorker: 8 }) },
];

let server: Counting;
beforeAll(async () => {
  server = await startCountingServer();
});
afterAll(async () => {
  await server.close();
});

describe.each(cases)('session.mount on $name', ({ make }) => {
  let executor: Executor;
  beforeAll(() => {
    executor = make();
  });
  afterAll(async () => {
    await executor.shutdown();
  });

  const fire = (session: FuturesSession, group: string) =>
    Promise.all(Array.from({ length: CONCURRENT }, (_, i) => session.get(`${server.url}${group}/${i}`)));

  it('poolBlock: true with poolMaxSize 1 sends one at a time; the longer, non-blocking prefix inside it sends all at once', async () => {
    const session = new FuturesSession({ executor, trustEnv: false });
    const tag = executor.constructor.name;
    session.mount(`${server.url}/${tag}-one`, { poolMaxSize: 1, poolBlock: true });
    session.mount(`${server.url}/${tag}-one/wide`, { poolMaxSize: 1, poolBlock: false });
    const responses = [...(await fire(session, `/${tag}-one/narrow`)), ...(await fire(session, `/${tag}-one/wide`))];
    expect(responses.map((r) => r.statusCode)).toEqual(Array(2 * CONCURRENT).fill(200));
    expect(server.maxHeld.get(`/${tag}-one/narrow`)).toBe(1);
    expect(server.maxHeld.get(`/${tag}-one/wide`)).toBe(CONCURRENT);
    await session.close();
  }, 30_000);

  it("maxRetries on a prefix retries its 503s; elsewhere the session's (none) apply, and a request's retries win", async () => {
    const session = new FuturesSession({ executor, trustEnv: false });
    const tag = executor.constructor.name;
    session.mount(`${server.url}/flaky/${tag}-retried`, { maxRetries: { limit: 2, backoffFactor: 0 } });
    expect((await session.get(`${server.url}/flaky/${tag}-retried-a`)).statusCode).toBe(200);
    expect((await session.get(`${server.url}/flaky/${tag}-plain`)).statusCode).toBe(503);
    expect((await session.get(`${server.url}/flaky/${tag}-retried-b`, { retries: 0 })).statusCode).toBe(503);
    await session.close();
  }, 30_000);
});

describe('mount and getAdapter, as requests', () => {
  it('the longest prefix wins, compared without case; remounting replaces; the defaults are https:// and http://', () => {
    const session = new Session({ adapterOptions: { poolMaxSize: 4 } });
    expect(session.adapters.map((a) => a.prefix)).toEqual(['https://', 'http://']);
    session.mount('https://API.example.com/', { poolMaxSize: 2 });
    session.mount('https://api.example.com/v2/', { poolMaxSize: 3, poolBlock: true });
    session.mount('https://api.example.com/', { poolMaxSize: 5 });
    expect(session.adapters.map((a) => a.prefix)).toEqual(['https://api.example.com/v2/', 'https://API.example.com/', 'https://api.example.com/', 'https://', 'http://']);
    expect(session.getAdapter('https://api.example.com/v2/x').pool).toEqual({ maxSize: 3, block: true });
    expect(session.getAdapter('HTTPS://API.EXAMPLE.COM/v1').prefix).toBe('https://API.example.com/');
    expect(session.getAdapter('https://other.example/').pool).toEqual({ maxSize: 4, block: false });
  });

  it('unknown adapter options and bad values are refused naming them', () => {
    const session = new Session();
    expect(() => session.mount('https://a/', { pool_maxsize: 2 } as never)).toThrow(/mount: adapterOptions: unknown option "pool_maxsize"; did you mean "poolMaxSize"\?/);
    expect(() => session.mount('https://a/', { poolMaxSize: 0 })).toThrow(RangeError);
    expect(() => session.mount('', {})).toThrow(/prefix must be a non-empty string/);
    expect(() => new Session({ adapterOptions: { poolBlock: 'yes' as never } })).toThrow(/adapterOptions.poolBlock must be a boolean/);
  });
});
