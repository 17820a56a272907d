/**
 * Ports of CPython's test_concurrent_futures checks on map() and on the
 * executors' lifetime, run on both executors (test titles carry the upstream names).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { ExecutorShutdownError } from '../../dist/executors/errors.js';
import { ProcessPoolExecutor, ThreadPoolExecutor } from '../../dist/executors/index.js';
import { TimeoutError } from '../../dist/futures/errors.js';
import { deferred } from '../futures/support/deferred.js';
import { isAlive, task, testResources } from './process-pool-support.js';

const { executor, gateServer, cleanUp } = testResources();
const threadPools: ThreadPoolExecutor[] = [];
const openGates: Array<() => void> = [];
afterEach(async () => {
  for (const open of openGates.splice(0)) open();
  await Promise.all(threadPools.splice(0).map((e) => e.shutdown({ cancelFutures: true, abort: true })));
  await cleanUp();
});

function threadPool(maxWorkers: number): ThreadPoolExecutor {
  const made = new ThreadPoolExecutor({ maxWorkers });
  threadPools.push(made);
  return made;
}

describe('map() cancels the call it timed out on', () => {
  it('test_executor_map_current_future_cancel (ThreadPoolExecutor)', async () => {
    const stop = deferred();
    openGates.push(() => stop.resolve());
    const log: string[] = [];
    const logAndWait = async (ident: string) => {
      log.push(`${ident} started`);
      try {
        await stop.promise;
      } finally {
        log.push(`${ident} stopped`);
      }
    };
    const pool = threadPool(1);
    const first = pool.submit(logAndWait, 'first');
    const results = pool.map(logAndWait, ['second', 'third'], { timeout: 0 })[Symbol.asyncIterator]();
    try {
      await expect(results.next()).rejects.toBeInstanceOf(TimeoutError);
      await results.return?.();
    } finally {
      stop.resolve();
    }
    await first.result();
    await pool.shutdown({ wait: true });
    // 'second' is cancelled because its wait timed out, 'third' because it was still in flight.
    expect(log).toEqual(['first started', 'first stopped']);
  });

  it('test_executor_map_current_future_cancel (ProcessPoolExecutor)', async () => {
    const gate = await gateServer();
    const pool = executor({ maxWorkers: 1, concurrencyPerWorker: 1 });
    const first = pool.submit(task('fetchText'), `${gate.url}/first`);
    const results = pool.map(task('fetchText'), [`${gate.url}/second`, `${gate.url}/third`], { timeout: 0 })[Symbol.asyncIterator]();
    await gate.arrivals(1);
    try {
      await expect(results.next()).rejects.toBeInstanceOf(TimeoutError);
      await results.return?.();
    } finally {
      gate.openGate();
    }
    expect(await first.result()).toMatchObject({ text: '/first' });
    await pool.shutdown({ wait: true });
    expect(gate.held.map((request) => request.path)).toEqual(['/first']);
    expect(pool.stats()).toMatchObject({ completed: 1, cancelled: 2 });
  });
});

describe('executors as `await using` blocks', () => {
  const expected = [5, 4, 3, 2, 1, 0, 1, 2, 3, 4];
  const range = Array.from({ length: 10 }, (_, i) => i - 5);

  it('test_context_manager_shutdown (ThreadPoolExecutor)', async () => {
    const finished: number[] = [];
    let escaped: ThreadPoolExecutor | undefined;
    let slow: Promise<unknown> | undefined;
    {
      await using pool = new ThreadPoolExecutor({ maxWorkers: 5 });
      escaped = pool;
      const results: number[] = [];
      for await (const value of pool.map(Math.abs, range)) results.push(value);
      expect(results).toEqual(expected);
      // Still running when the block ends: the dispose waits for it.
      slow = pool.submit(async () => {
        await new Promise<void>((resolve) => setImmediate(resolve));
        finished.push(1);
      }).result();
    }
    expect(finished).toEqual([1]);
    await slow;
    expect(() => escaped!.submit(Math.abs, -1)).toThrow(ExecutorShutdownError);
  });

  it('test_context_manager_shutdown (ProcessPoolExecutor)', async () => {
    let escaped: ProcessPoolExecutor | undefined;
    let children: number[] = [];
    {
      await using pool = new ProcessPoolExecutor({ maxWorkers: 2 });
      escaped = pool;
      const results: unknown[] = [];
      for await (const value of pool.map(task('abs'), range)) results.push(value);
      expect(results).toEqual(expected);
      children = pool.stats().workers;
      expect(children.length).toBeGreaterThan(0);
    }
    // Every child has exited once the block is left (Python joins its processes).
    expect(children.filter(isAlive)).toEqual([]);
    expect(() => escaped!.submit(task('pid'))).toThrow(ExecutorShutdownError);
  });
});

describe('map() options are checked', () => {
  const range = Array.from({ length: 40 }, (_, i) => i - 20);
  const expected = range.map(Math.abs);
  const cases = [
    { name: 'ThreadPoolExecutor', make: () => threadPool(2), fn: Math.abs as (n: number) => number },
    { name: 'ProcessPoolExecutor', make: () => executor({ maxWorkers: 2, concurrencyPerWorker: 2 }), fn: task('abs') },
  ];

  for (const { name, make, fn } of cases) {
    it(`test_map_chunksize (${name})`, async () => {
      const pool = make();
      for (const chunksize of [6, 50, 40]) {
        const results: unknown[] = [];
        for await (const value of pool.map(fn, range, { chunksize })) results.push(value);
        expect(results).toEqual(expected);
      }
      expect(() => pool.map(fn, range, { chunksize: -1 })).toThrow(RangeError);
      expect(() => pool.map(fn, range, { chunksize: 0 })).toThrow(/chunksize must be an integer >= 1, got 0/);
      expect(() => pool.map(fn, range, { chunksize: 1.5 })).toThrow(RangeError);
      expect(() => pool.map(fn, range, { chunksize: '6' as unknown as number })).toThrow(TypeError);
    });

    it(`test_map_buffersize_validation: window (${name})`, () => {
      const pool = make();
      // Python: a non-integer buffersize is a TypeError, one below 1 a ValueError.
      expect(() => pool.map(fn, range, { window: '2' as unknown as number })).toThrow(TypeError);
      expect(() => pool.map(fn, range, { window: null as unknown as number })).toThrow(TypeError);
      expect(() => pool.map(fn, range, { window: 0 })).toThrow(RangeError);
      expect(() => pool.map(fn, range, { window: -1 })).toThrow(/window must be an integer >= 1, got -1/);
    });

    it(`map refuses an unknown option, naming the closest known one (${name})`, () => {
      const pool = make();
      expect(() => pool.map(fn, range, { chunkSize: 4 } as never)).toThrow(TypeError);
      expect(() => pool.map(fn, range, { chunk_size: 4 } as never)).toThrow(`${name}.map: unknown option "chunk_size"; did you mean "chunksize"?`);
      expect(() => pool.map(fn, range, { timout: 1 } as never)).toThrow(/unknown option "timout"; did you mean "timeout"\?/);
      expect(() => pool.map(fn, range, { buffersize: 4 } as never)).toThrow(/unknown option "buffersize"/);
    });
  }
});

describe('ProcessPoolExecutor.map with chunksize sends the items in batches', () => {
  it('one task (one IPC message each way) per chunk of `chunksize` items', async () => {
    const pool = executor({ maxWorkers: 2, concurrencyPerWorker: 2 });
    const range = Array.from({ length: 40 }, (_, i) => i - 20);
    for (const [chunksize, tasks] of [[6, 7], [40, 1], [50, 1], [1, 40]] as const) {
      const before = pool.stats().completed;
      const results: unknown[] = [];
      for await (const value of pool.map(task('abs'), range, { chunksize })) results.push(value);
      expect(results).toEqual(range.map(Math.abs));
      expect(pool.stats().completed - before).toBe(tasks);
    }
  });

  it('a failed item throws at its position after the results before it; the rest of its chunk never runs', async () => {
    const gate = await gateServer();
    gate.openGate();
    const pool = executor({ maxWorkers: 1, concurrencyPerWorker: 1 });
    const urls = Array.from({ length: 10 }, (_, i) => `${gate.url}/${i === 5 ? 'fail' : i}`);
    const texts: string[] = [];
    const consume = async () => {
      for await (const value of pool.map(task('fetchTextOrFail'), urls, { chunksize: 4, window: 4 })) {
        texts.push((value as { text: string }).text);
      }
    };
    await expect(consume()).rejects.toThrow(`refused ${gate.url}/fail`);
    expect(texts).toEqual(['/0', '/1', '/2', '/3', '/4']);
    await pool.shutdown({ wait: true });
    expect(gate.held.map((request) => request.path)).toEqual(['/0', '/1', '/2', '/3', '/4']);
  });

  it('stopping early cancels the chunks that have not started', async () => {
    const gate = await gateServer();
    const pool = executor({ maxWorkers: 1, concurrencyPerWorker: 1 });
    const urls = Array.from({ length: 12 }, (_, i) => `${gate.url}/${i}`);
    // window 9: chunks 1 to 3 are submitted, one runs at a time.
    const results = pool.map(task('fetchText'), urls, { chunksize: 3, window: 9 })[Symbol.asyncIterator]();
    const first = results.next();
    for (let n = 1; n <= 3; n++) (await gate.arrivals(n))[n - 1]!.release();
    expect(await first).toMatchObject({ value: { text: '/0' } });
    // Chunk 2 has started (its first request is held); chunk 3 waits in the coordinator.
    await gate.arrivals(4);
    await results.return?.();
    gate.openGate();
    await pool.shutdown({ wait: true });
    // A started chunk runs to its end, as a running call does in Python; the queued one never reached the child.
    expect(gate.held.map((request) => request.path)).toEqual(['/0', '/1', '/2', '/3', '/4', '/5']);
    expect(pool.stats()).toMatchObject({ completed: 2, cancelled: 1 });
  });
});
