/**
 * A pool child watches each request's abort through its task context's
 * `aborted` and `onAbort` (core task-context.ts, worker running-tasks.ts):
 * no AbortController is made for a task that never reads `signal`, and an
 * abort still stops the request the child is sending.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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

  it('future.abort() during a retry\'s backoff ends the task in the child at once', async () => {
    let attempts = 0;
    let answered!: () => void;
    const firstAnswered = new Promise<void>((resolve) => (answered = resolve));
    const server = createServer((_req, res) => {
      attempts += 1;
      res.on('finish', answered);
      res.writeHead(503, { 'retry-after': '60' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // One slot: the next task runs only once the aborted one has let go of it, not after its 60 s sleep.
    const ex = executor({ maxWorkers: 1, concurrencyPerWorker: 1 });
    const session = new FuturesSession({ executor: ex });
    try {
      const { port } = server.address() as AddressInfo;
      const retried = session.get(`http://127.0.0.1:${port}/busy`, { retries: { limit: 1, maxBackoff: 60 } });
      await firstAnswered;
      expect(retried.abort(new Error('stop waiting'))).toBe(true);
      await expect(retried.result()).rejects.toBeInstanceOf(CancelledError);
      expect(typeof (await ex.submit(task('pid')))).toBe('number');
      expect(attempts).toBe(1);
    } finally {
      await session.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 20_000);
});
