/**
 * The Executor interface is all a session needs: `capacity` sizes its window,
 * and `onTaskLost` (optional) is the hook for tasks whose worker died. An
 * executor written against the interface alone (here one that delegates to a
 * ThreadPoolExecutor) works with FuturesSession.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import { listenOnLoopback } from '@requests-futures/testing';
import { FuturesSession, ProcessPoolExecutor, ThreadPoolExecutor, type Executor, type Future, type MapOptions, type ShutdownOptions, type Task } from '@requests-futures/core';

const toShutDown: Executor[] = [];
afterEach(async () => {
  await Promise.all(toShutDown.splice(0).map((e) => e.shutdown({ cancelFutures: true, abort: true })));
});

/** Declares only what Executor declares; counts what it was given. */
class DelegatingExecutor implements Executor {
  readonly crossesProcesses = false;
  submitted = 0;
  private readonly inner: ThreadPoolExecutor;

  constructor(
    readonly maxWorkers: number,
    readonly capacity: number,
  ) {
    this.inner = new ThreadPoolExecutor({ maxWorkers });
  }

  submit<R = unknown>(fn: Task<any[], R>, ...args: unknown[]): Future<Awaited<R>> {
    this.submitted += 1;
    return this.inner.submit<R>(fn, ...args);
  }

  map<T, R>(fn: Task<[T], R>, iterable: Iterable<T> | AsyncIterable<T>, options?: MapOptions): AsyncIterable<Awaited<R>> {
    return this.inner.map(fn, iterable, options);
  }

  shutdown(options?: ShutdownOptions): Promise<void> {
    return this.inner.shutdown(options);
  }
}

describe('Executor: capacity and onTaskLost', () => {
  it('capacity is maxWorkers for ThreadPoolExecutor and maxWorkers × concurrencyPerWorker for ProcessPoolExecutor', () => {
    const threads = new ThreadPoolExecutor({ maxWorkers: 3 });
    const processes = new ProcessPoolExecutor({ maxWorkers: 2, concurrencyPerWorker: 5 });
    toShutDown.push(threads, processes);
    expect(threads.capacity).toBe(3);
    expect(processes.capacity).toBe(10);
    // Only executors whose workers can die on their own report lost tasks.
    expect(typeof processes.onTaskLost).toBe('function');
    expect((threads as Executor).onTaskLost).toBeUndefined();
    // Nothing was started to answer: children start on demand.
    expect(processes.stats().workers).toEqual([]);
  });

  it('a session sizes its window from capacity: maxQueued defaults to 2 × capacity', async () => {
    const processes = new ProcessPoolExecutor({ maxWorkers: 2, concurrencyPerWorker: 5 });
    const custom = new DelegatingExecutor(2, 7);
    toShutDown.push(processes, custom);
    const sessions = [new FuturesSession({ executor: processes }), new FuturesSession({ executor: custom })];
    expect(sessions.map((s) => s.maxQueued)).toEqual([20, 14]);
    await Promise.all(sessions.map((s) => s.close()));
  });

  it('an executor that implements only the interface runs a session\'s requests', async () => {
    const server = createServer((req, res) => res.end(`hello ${req.url}`));
    const port = await listenOnLoopback(server);
    const custom = new DelegatingExecutor(2, 2);
    toShutDown.push(custom);
    const session = new FuturesSession({ executor: custom });
    try {
      const responses = await Promise.all([session.get(`http://127.0.0.1:${port}/a`), session.get(`http://127.0.0.1:${port}/b`)]);
      expect(responses.map((r) => r.text)).toEqual(['hello /a', 'hello /b']);
      expect(custom.submitted).toBe(2);
    } finally {
      await session.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
