/**
 * session.map's iterator is written by hand (no async generator and no box
 * around each future): it must keep the generator's behaviour. Calls made at
 * once are answered in turn; it is done for good after the end; return()
 * before the first next() never opens the input; return() after a yield closes
 * the input and cancels what has not started.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Future, FuturesSession, type Response } from '@requests-futures/core';
import { startFileServer, type FileServer } from './support/file-server.js';

const files = new Map([['small.bin', new Uint8Array(16).fill(7)]]);
let server: FileServer;
beforeAll(async () => {
  server = await startFileServer({ files, latencyMs: 100 });
});
afterAll(async () => {
  await server.close();
});

const url = (i: number) => `${server.url}/files/small.bin?i=${i}`;

describe('session.map iterator', () => {
  it('answers next() calls made at once in turn, each with a finished future of its own, then says done for good', async () => {
    const session = new FuturesSession({ maxWorkers: 4 });
    try {
      const futures = session.map([url(0), url(1), url(2)]);
      const steps = await Promise.all([futures.next(), futures.next(), futures.next(), futures.next()]);
      const yielded = steps.slice(0, 3).map((step) => step.value as Future<Response>);
      expect(steps.map((step) => step.done)).toEqual([false, false, false, true]);
      for (const future of yielded) expect(future).toBeInstanceOf(Future);
      expect(new Set(yielded).size).toBe(3);
      expect(yielded.every((future) => future.done())).toBe(true);
      expect((await Promise.all(yielded.map((future) => future.result()))).map((response) => response.statusCode)).toEqual([200, 200, 200]);
      expect(await futures.next()).toEqual({ done: true, value: undefined });
    } finally {
      await session.close();
    }
  });

  it('return() before the first next() leaves the input unopened and ends the map', async () => {
    const session = new FuturesSession({ maxWorkers: 2 });
    let opened = 0;
    const inputs: AsyncIterable<string> = {
      [Symbol.asyncIterator]() {
        opened += 1;
        return { next: async () => ({ done: false, value: url(0) }) };
      },
    };
    try {
      const futures = session.map(inputs);
      expect(await futures.return!()).toEqual({ done: true, value: undefined });
      expect(await futures.next()).toEqual({ done: true, value: undefined });
      expect(opened).toBe(0);
    } finally {
      await session.close();
    }
  });

  it('return() after a yield closes the input and cancels what has not started', async () => {
    // One worker and a window of 4: one request runs, the others wait in the executor.
    const session = new FuturesSession({ maxWorkers: 1, maxQueued: 4 });
    const submitted: Array<Future<Response>> = [];
    const spy = {
      request: (method: string, target: string, options?: object) => {
        const future = session.request(method, target, options);
        submitted.push(future);
        return future;
      },
    };
    let closed = false;
    async function* endless(): AsyncGenerator<string> {
      try {
        for (let i = 0; ; i++) yield url(i);
      } finally {
        closed = true;
      }
    }
    try {
      const { mapRequests } = await import('../../dist/session/map-requests.js');
      const futures = mapRequests(spy, endless(), { maxQueued: 4 });
      const first = await futures.next();
      expect(first.done).toBe(false);
      expect(await futures.return!(undefined)).toEqual({ done: true, value: undefined });
      expect(closed).toBe(true);
      // The first finished; of the rest (pulled to refill the window) none is left waiting to start.
      expect(submitted.length).toBeGreaterThanOrEqual(4);
      expect(submitted.filter((future) => !future.cancelled() && !future.running() && !future.done())).toEqual([]);
      expect(submitted.filter((future) => future.cancelled()).length).toBeGreaterThanOrEqual(2);
      expect(await futures.next()).toEqual({ done: true, value: undefined });
    } finally {
      await session.close();
    }
  });
});
