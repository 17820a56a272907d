/**
 * trustEnv reads process.env once per turn of the event loop (environment.ts
 * processEnvironment): a change to it is seen by every request made after
 * control went back to the event loop (an awaited response, a timer), on both
 * executors; requests made in one synchronous run share one reading. Real
 * requests through a loopback forward proxy that HTTP_PROXY names.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { FuturesSession, ProcessPoolExecutor, ThreadPoolExecutor } from '@requests-futures/core';
import { isAlive } from '@requests-futures/testing';
import { processEnvironment } from '../../dist/session/environment.js';
import { startProxy } from '../helpers/forward-proxy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const VARIABLES = ['HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy', 'REQUEST_METHOD'];
const saved = new Map(VARIABLES.map((name) => [name, process.env[name]]));

let server: TestServer;
let proxy: Awaited<ReturnType<typeof startProxy>>;
beforeAll(async () => {
  server = await startTestServer();
  proxy = await startProxy();
});
beforeEach(() => {
  for (const name of VARIABLES) delete process.env[name];
  proxy.seen.length = 0;
});
afterAll(async () => {
  for (const [name, value] of saved) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await proxy.close();
  await server.close();
});

describe('process.env is read once per turn of the event loop', () => {
  it('the same reading within one synchronous run, a new one after the event loop turned', async () => {
    const first = processEnvironment();
    expect(processEnvironment()).toBe(first);
    await nextTurn();
    process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    const second = processEnvironment();
    expect(second).not.toBe(first);
    expect(second.proxies.http).toBe('http://127.0.0.1:9');
    expect(first.proxies.http).toBeUndefined();
    // Shared by the requests of a turn: nobody may change it.
    expect(Object.isFrozen(second.proxies)).toBe(true);
  });

  it('is forgotten at the next microtask checkpoint: code after any await reads process.env again', async () => {
    await nextTurn();
    const first = processEnvironment();
    await Promise.resolve();
    process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    const second = processEnvironment();
    expect(second).not.toBe(first);
    expect(second.proxies.http).toBe('http://127.0.0.1:9');
  });

  for (const kind of ['thread', 'process'] as const) {
    it(`${kind} pool: HTTP_PROXY set, then unset, between two awaited requests is obeyed each time`, async () => {
      const executor = kind === 'thread' ? new ThreadPoolExecutor({ maxWorkers: 2 }) : new ProcessPoolExecutor({ maxWorkers: 1 });
      const session = new FuturesSession({ executor });
      const url = `${server.url}/get`;
      let children: number[] = [];
      try {
        expect((await session.get(url)).statusCode).toBe(200);
        children = executor.stats().workers;
        expect(proxy.seen).toEqual([]);
        process.env.HTTP_PROXY = proxy.url;
        expect((await session.get(url)).statusCode).toBe(200);
        expect(proxy.seen.map((seen) => seen.target)).toEqual([url]);
        delete process.env.HTTP_PROXY;
        expect((await session.get(url)).statusCode).toBe(200);
        expect(proxy.seen.length).toBe(1);
        // A change made after a timer, with no request awaited in between, is seen too.
        const before = session.get(url);
        await nextTurn();
        process.env.http_proxy = proxy.url;
        const after = session.get(url);
        expect([(await before).statusCode, (await after).statusCode]).toEqual([200, 200]);
        expect(proxy.seen.map((seen) => seen.target)).toEqual([url, url]);
      } finally {
        await session.close();
        await executor.shutdown({ wait: true });
      }
      expect(children.length).toBe(kind === 'process' ? 1 : 0);
      expect(children.filter(isAlive)).toEqual([]);
    }, 60_000);
  }

  it('requests made in one synchronous run share its reading', async () => {
    const session = new FuturesSession({ executor: new ThreadPoolExecutor({ maxWorkers: 2 }) });
    const url = `${server.url}/get`;
    try {
      await nextTurn();
      const first = session.get(url);
      process.env.HTTP_PROXY = proxy.url;
      const second = session.get(url);
      expect([(await first).statusCode, (await second).statusCode]).toEqual([200, 200]);
      expect(proxy.seen).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
