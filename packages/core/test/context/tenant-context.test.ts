/**
 * AsyncLocalStorage context on an executor shared by several tenants: every
 * response hook, backgroundCallback and done callback sees the context of the
 * caller that made its request, even when that request waited in the queue
 * behind another tenant's.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AsyncLocalStorage } from 'node:async_hooks';
import { FuturesSession, ThreadPoolExecutor, type Future, type Response } from '@requests-futures/core';
import { startHoldServer, type HoldServer } from '@requests-futures/testing';

const tenant = new AsyncLocalStorage<string>();

describe('ThreadPoolExecutor shared by tenants', () => {
  let server: HoldServer;
  beforeAll(async () => {
    server = await startHoldServer();
  });
  afterAll(async () => {
    await server.close();
  });

  // Queued in the executor (one worker), or held by the session for its host (perHostLimit 1).
  it.each([
    { queue: 'the executor', maxWorkers: 1, perHostLimit: undefined },
    { queue: "the session's perHostLimit", maxWorkers: 4, perHostLimit: 1 },
  ])("a request queued in $queue: its hooks, backgroundCallback and done callbacks see their own caller's context", async ({ maxWorkers, perHostLimit }) => {
    const executor = new ThreadPoolExecutor({ maxWorkers });
    const session = new FuturesSession({ executor, ...(perHostLimit === undefined ? {} : { perHostLimit }) });
    const seen: Array<[string, string | undefined]> = [];
    const record = (where: string) => seen.push([where, tenant.getStore()]);
    const hooks = { response: [() => void record('hook')] };
    const backgroundCallback = (_session: unknown, response: Response) => {
      record('background');
      return response;
    };
    try {
      // 'other' holds the only slot; 'abc' queues four requests behind it.
      const first = tenant.run('other', () => {
        const future = session.get(`${server.url}/other`, { hooks, backgroundCallback });
        future.addDoneCallback(() => record('done'));
        return future;
      });
      await server.arrived('/other');
      const queued: Future<Response>[] = tenant.run('abc', () =>
        [1, 2, 3, 4].map((n) => {
          server.release(`/abc${n}`);
          const future = session.get(`${server.url}/abc${n}`, { hooks, backgroundCallback });
          future.addDoneCallback(() => record('done'));
          return future;
        }),
      );
      server.release('/other');
      await first;
      await Promise.all(queued);
      const of = (id: string) => seen.filter(([, store]) => store === id).map(([where]) => where);
      expect(of('other').sort()).toEqual(['background', 'done', 'hook']);
      expect(of('abc').sort()).toEqual([...Array(4).fill('background'), ...Array(4).fill('done'), ...Array(4).fill('hook')]);
      expect(seen).toHaveLength(15);
    } finally {
      await session.close();
      await executor.shutdown();
    }
  });

  it('a done callback runs in the context it was added in, not the one the task ran in', async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    try {
      const future = tenant.run('submitter', () => executor.submit(() => tenant.getStore()));
      const seenBy = await new Promise<string | undefined>((resolve) => tenant.run('watcher', () => future.addDoneCallback(() => resolve(tenant.getStore()))));
      expect(await future).toBe('submitter');
      expect(seenBy).toBe('watcher');
    } finally {
      await executor.shutdown();
    }
  });
});
