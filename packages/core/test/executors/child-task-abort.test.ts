/**
 * A pool child watches each request's abort through its task context's
 * `aborted` and `onAbort` (core task-context.ts, worker running-tasks.ts):
 * no AbortController is made for a task that never reads `signal`, and an
 * abort still stops the request the child is sending.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { CancelledError } from '../../dist/futures/errors.js';
import { FuturesSession } from '../../dist/session/futures-session.js';
import { task, testResources } from './process-pool-support.js';

const { executor, gateServer, cleanUp } = testResources();
afterEach(async () => {
  await cleanUp();
});

describe('ProcessPoolExecutor child: a task\'s abort without its AbortSignal', () => {
  it('sends GETs without making an AbortController; a task that reads signal makes one', async () => {
    const ex = executor({ maxWorkers: 1 });
    const gate = await gateServer();
    gate.openGate();
    const session = new FuturesSession({ executor: ex });
    try {
      expect(await ex.submit(task('abortControllersCounted'))).toBe(0);
      const responses = await Promise.all([1, 2, 3, 4].map((n) => session.get(`${gate.url}/get/${n}`)));
      expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
      expect(await ex.submit(task('abortControllersCounted'))).toBe(0);
      // The counter sees the child's controllers: reading `signal` makes the task's.
      expect(await ex.submit(task('readsSignal'))).toBe(false);
      expect(await ex.submit(task('abortControllersCounted'))).toBe(1);
    } finally {
      await session.close();
    }
  });

  it('future.abort() stops the request the child is sending, and the child serves the next', async () => {
    const ex = executor({ maxWorkers: 1 });
    const gate = await gateServer();
    const session = new FuturesSession({ executor: ex });
    try {
      const doomed = session.get(`${gate.url}/doomed`);
      const [held] = await gate.arrivals(1);
      const children = ex.stats().workers;
      expect(children).toHaveLength(1);
      const reason = new Error('user gave up');
      expect(doomed.abort(reason)).toBe(true);
      await expect(doomed.result()).rejects.toBeInstanceOf(CancelledError);
      // The child itself dropped the connection: the abort reached the HTTP engine there.
      await held!.abandoned;
      gate.openGate();
      expect((await session.get(`${gate.url}/next`)).statusCode).toBe(200);
      // No child was killed for it.
      expect(ex.stats().workers).toEqual(children);
    } finally {
      await session.close();
    }
  });
});
