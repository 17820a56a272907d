/**
 * session.map when its input misbehaves: an input that throws, an item that
 * is not a URL, a bad window. The map ends with that error and cancels the
 * requests it submitted that have not started.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FuturesSession, type Future, type Response } from '@requests-futures/core';
import { startFileServer, type FileServer } from './support/file-server.js';
import { rejectionOf } from './support/helpers.js';

const files = new Map([['small.bin', new Uint8Array(32).fill(3)]]);
let server: FileServer;
beforeAll(async () => {
  // Answers late, so requests are still queued or running when the input fails.
  server = await startFileServer({ files, latencyMs: 200 });
});
afterAll(async () => {
  await server.close();
});

/** Drains the map and returns the error it ended with. */
async function errorOfMap(futures: AsyncIterable<Future<Response>>): Promise<unknown> {
  return rejectionOf(
    (async () => {
      for await (const future of futures) await future.exception();
    })(),
  );
}

describe('session.map input errors', () => {
  it('an input that throws ends the map with its error; submitted requests that have not started are cancelled', async () => {
    // One worker: of the three submitted requests, one runs and two wait in the executor.
    const session = new FuturesSession({ maxWorkers: 1, maxQueued: 8 });
    const failure = new Error('the URL list is unreadable');
    const submitted: Array<Future<Response>> = [];
    const spy = {
      request: (method: string, url: string, options?: object) => {
        const future = session.request(method, url, options);
        submitted.push(future);
        return future;
      },
    };
    async function* brokenList(): AsyncGenerator<string> {
      for (let i = 0; i < 3; i++) yield `${server.url}/files/small.bin?i=${i}`;
      throw failure;
    }
    try {
      const { mapRequests } = await import('../../dist/session/map-requests.js');
      expect(await errorOfMap(mapRequests(spy, brokenList(), { maxQueued: 8 }))).toBe(failure);
      expect(submitted).toHaveLength(3);
      // Nothing is left waiting to start: what had not started was cancelled (at least the two behind the one worker).
      expect(submitted.filter((f) => !f.cancelled() && !f.running() && !f.done())).toEqual([]);
      expect(submitted.filter((f) => f.cancelled()).length).toBeGreaterThanOrEqual(2);
    } finally {
      await session.close();
    }
  });

  it('refuses an item that is neither a URL nor { url }, naming it', async () => {
    const session = new FuturesSession({ maxWorkers: 2 });
    try {
      const error = await errorOfMap(session.map([`${server.url}/files/small.bin`, { href: 'x' } as never]));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain('{"href":"x"}');
    } finally {
      await session.close();
    }
  });

  it('refuses a bad window or input at once', () => {
    const session = new FuturesSession();
    expect(() => session.map([], { maxQueued: 0 })).toThrow(/maxQueued must be an integer >= 1/);
    expect(() => session.map(42 as never)).toThrow(TypeError);
    void session.close();
  });
});
