/**
 * A default timeout for every request of a session (requests has none):
 * `new FuturesSession({ timeout })`, on both executors. A per-request timeout
 * overrides it, and `timeout: null` on a request disables it. The server
 * answers /delay/:s after that many seconds; the bounds are generous (a
 * shared 2-core machine): the default is far below the delay, and a
 * ReadTimeout can only come from a timer, never from the server.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FuturesSession, ReadTimeout, Timeout, type Executor } from '@requests-futures/core';
import { startHttpbin, type Httpbin } from '@requests-futures/testing';
import { executorCases } from './support/executors.js';
import { errorOf } from './support/outcome.js';

/** Seconds: the session default every case starts from. */
const DEFAULT_TIMEOUT = 0.25;
/** Seconds the server waits before answering: well past the default. */
const SLOW = 1;

describe.each(executorCases)('a session default timeout on $name', ({ make }) => {
  let httpbin: Httpbin;
  let executor: Executor;
  let session: FuturesSession;

  beforeAll(async () => {
    httpbin = await startHttpbin();
    executor = make();
    session = new FuturesSession({ executor, timeout: DEFAULT_TIMEOUT });
    // Children start on first use: not inside a timed request.
    await session.get(`${httpbin.url}/get`);
  });
  afterAll(async () => {
    await session.close({ abort: true });
    await executor.shutdown();
    await httpbin.close();
  });

  it('applies to every request: a slow answer is a ReadTimeout naming the request', async () => {
    expect(session.timeout).toBe(DEFAULT_TIMEOUT);
    const error = await errorOf(() => session.get(`${httpbin.url}/delay/${SLOW}`));
    expect(error).toBeInstanceOf(ReadTimeout);
    expect(error).toBeInstanceOf(Timeout);
    expect(error.message).toContain(`GET ${httpbin.url}/delay/${SLOW}`);
  });

  it('a fast answer is untouched by it', async () => {
    expect((await session.get(`${httpbin.url}/get`)).statusCode).toBe(200);
  });

  it('a per-request timeout overrides it', async () => {
    const [seconds, connectOnly] = await Promise.all([
      session.get(`${httpbin.url}/delay/${SLOW}`, { timeout: 10 }),
      session.get(`${httpbin.url}/delay/${SLOW}`, { timeout: [5, null] }),
    ]);
    expect(seconds.statusCode).toBe(200);
    expect(connectOnly.statusCode).toBe(200);
  });

  it('a per-request timeout shorter than the default wins too', async () => {
    const fast = new FuturesSession({ executor, timeout: 30 });
    try {
      await expect(fast.get(`${httpbin.url}/delay/${SLOW}`, { timeout: DEFAULT_TIMEOUT }).result()).rejects.toBeInstanceOf(ReadTimeout);
    } finally {
      await fast.close({ abort: true });
    }
  });

  it('timeout: null on a request disables it', async () => {
    expect((await session.get(`${httpbin.url}/delay/${SLOW}`, { timeout: null })).statusCode).toBe(200);
  });

  it('can be changed on the session later, and null there disables it for every request', async () => {
    const later = new FuturesSession({ executor });
    try {
      expect(later.timeout).toBeUndefined();
      later.timeout = DEFAULT_TIMEOUT;
      await expect(later.get(`${httpbin.url}/delay/${SLOW}`).result()).rejects.toBeInstanceOf(ReadTimeout);
      later.timeout = null;
      expect((await later.get(`${httpbin.url}/delay/${SLOW}`)).statusCode).toBe(200);
    } finally {
      await later.close({ abort: true });
    }
  });
});
