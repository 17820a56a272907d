/**
 * Constructor options are checked (issue 18): an unknown name is a TypeError
 * naming it and the closest known option, never silently ignored; the worker
 * count may be given positionally, as Python's ThreadPoolExecutor(4).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { FuturesSession, ProcessPoolExecutor, ThreadPoolExecutor } from '@requests-futures/core';
import { isAlive } from '@requests-futures/testing';
import { task } from './process-pool-support.js';

const made: Array<{ shutdown(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((e) => e.shutdown()));
});

describe('unknown constructor options', () => {
  it('FuturesSession: timout -> did you mean timeout?', () => {
    expect(() => new FuturesSession({ timout: 0.2 } as never)).toThrow(TypeError);
    expect(() => new FuturesSession({ timout: 0.2 } as never)).toThrow('FuturesSession: unknown option "timout"; did you mean "timeout"?');
    expect(() => new FuturesSession({ max_workers: 2 } as never)).toThrow('did you mean "maxWorkers"?');
    expect(() => new FuturesSession(3 as never)).toThrow(TypeError);
  });

  it('ThreadPoolExecutor: max_workers -> did you mean maxWorkers?', () => {
    expect(() => new ThreadPoolExecutor({ max_workers: 2 } as never)).toThrow('ThreadPoolExecutor: unknown option "max_workers"; did you mean "maxWorkers"?');
    expect(() => new ThreadPoolExecutor({ maxWorker: 2 } as never)).toThrow(/did you mean "maxWorkers"/);
    expect(() => new ThreadPoolExecutor(null as never)).toThrow(TypeError);
  });

  it('ProcessPoolExecutor: maxWorker, concurency are refused before any child starts', () => {
    expect(() => new ProcessPoolExecutor({ maxWorker: 2, concurency: 2 } as never)).toThrow(
      'ProcessPoolExecutor: unknown option "maxWorker"; did you mean "maxWorkers"?',
    );
    expect(() => new ProcessPoolExecutor({ concurency: 2 } as never)).toThrow(/unknown option "concurency"; did you mean "concurrencyPerWorker"\?/);
    expect(() => new ProcessPoolExecutor({ heartbeat_timeout: 5 } as never)).toThrow(/did you mean "heartbeatTimeout"/);
  });

  it('known options are still accepted', async () => {
    const session = new FuturesSession({ timeout: 0.2, maxWorkers: 2, maxQueued: 4, headers: { 'x-a': '1' } });
    await session.close();
    const pool = new ThreadPoolExecutor({ maxWorkers: 3 });
    made.push(pool);
    expect(pool.maxWorkers).toBe(3);
  });
});

describe('positional worker count', () => {
  it('new ThreadPoolExecutor(4) runs at most 4 tasks at once', async () => {
    const pool = new ThreadPoolExecutor(4);
    made.push(pool);
    expect(pool.maxWorkers).toBe(4);
    let running = 0;
    let most = 0;
    const tasks = Array.from({ length: 10 }, () =>
      pool.submit(async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => setImmediate(resolve));
        running -= 1;
      }),
    );
    await Promise.all(tasks.map((future) => future.result()));
    expect(most).toBe(4);
    expect(() => new ThreadPoolExecutor(0)).toThrow(RangeError);
    expect(() => new ThreadPoolExecutor(1.5)).toThrow(RangeError);
  });

  it('new ProcessPoolExecutor(2) runs up to two children', async () => {
    const pool = new ProcessPoolExecutor(2);
    made.push(pool);
    expect(pool.maxWorkers).toBe(2);
    expect(await pool.submit(task('abs'), -3)).toBe(3);
    // Children start on demand: one task needed one; prestart() starts the rest.
    expect(pool.stats().workers).toHaveLength(1);
    pool.prestart();
    const children = pool.stats().workers;
    expect(children).toHaveLength(2);
    await pool.shutdown();
    expect(children.filter(isAlive)).toEqual([]);
    expect(() => new ProcessPoolExecutor(0)).toThrow(RangeError);
  });
});
