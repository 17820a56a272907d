import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { FuturesSession, type Future } from '@requests-futures/core';
import { startHttpbin, type Httpbin } from '@requests-futures/testing';
import { cleanUp, executorCases, isAlive } from './support/cases.js';

let httpbin: Httpbin;
beforeAll(async () => {
  httpbin = await startHttpbin();
});
afterAll(() => httpbin.close());
afterEach(cleanUp);

describe.each(executorCases)('$name shared by several sessions', ({ make, crossesProcesses }) => {
  it('runs every session\'s requests, each with its own state, and counts them all', async () => {
    const executor = make(4);
    const sessions = ['alpha', 'beta', 'gamma'].map((who) => {
      const session = new FuturesSession({ executor });
      session.headers.set('X-Who', who);
      return session;
    });
    const queued = new Set<Future<unknown>>();
    executor.on('queued', (future) => queued.add(future));

    const futures = sessions.flatMap((session) => [1, 2, 3].map(() => session.get(`${httpbin.url}/headers`)));
    const responses = await Promise.all(futures);

    responses.forEach((response, index) => {
      const who = ['alpha', 'beta', 'gamma'][Math.floor(index / 3)];
      expect((response.json() as { headers: Record<string, string> }).headers['X-Who']).toBe(who);
    });
    // The executor's events are about the very futures the sessions handed out.
    for (const future of futures) expect(queued.has(future)).toBe(true);
    expect(executor.stats()).toMatchObject({ queued: 0, running: 0, completed: 9, failed: 0, cancelled: 0 });

    // A session that does not own the executor leaves it running when it closes.
    await sessions[0]!.close();
    const after = await sessions[1]!.get(`${httpbin.url}/get`);
    expect(after.statusCode).toBe(200);
    expect(executor.stats().completed).toBe(10);

    const children = executor.stats().workers;
    expect(children).toHaveLength(crossesProcesses ? 1 : 0);
    await Promise.all(sessions.slice(1).map((session) => session.close()));
    await executor.drain({ deadline: 5 });
    expect(children.filter(isAlive)).toEqual([]);
  });

  it('counts an HTTP failure of any session as failed', async () => {
    const executor = make(2);
    const first = new FuturesSession({ executor });
    const second = new FuturesSession({ executor });
    const ok = first.get(`${httpbin.url}/status/404`);
    // Nothing listens on port 1 of 127.0.0.1: a ConnectionError.
    const refused = second.get('http://127.0.0.1:1/');
    expect((await ok).statusCode).toBe(404);
    expect(await refused.exception()).toMatchObject({ name: 'ConnectionError' });
    expect(executor.stats()).toMatchObject({ completed: 1, failed: 1 });
    await Promise.all([first.close(), second.close()]);
  });
});
