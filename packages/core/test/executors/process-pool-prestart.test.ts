import { afterEach, describe, expect, it } from '@jest/globals';
import { ExecutorShutdownError } from '../../dist/executors/errors.js';
import { isAlive, task, testResources } from './process-pool-support.js';

const { executor, cleanUp } = testResources();
afterEach(async () => {
  await cleanUp();
});

describe('ProcessPoolExecutor.prestart: children spawned before the first task', () => {
  it('spawns every child at once, reuses them for tasks, and leaves none behind after shutdown', async () => {
    const ex = executor({ maxWorkers: 2, concurrencyPerWorker: 2 });
    expect(ex.stats().workers).toEqual([]);
    ex.prestart();
    const pids = ex.stats().workers;
    expect(pids).toHaveLength(2);
    expect(pids.every(isAlive)).toBe(true);
    ex.prestart(); // idempotent: no second pool
    expect(ex.stats().workers).toEqual(pids);
    const childPid = await ex.submit<number>(task('pid'));
    expect(pids).toContain(childPid);
    await ex.shutdown();
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('shuts down cleanly when no task ever came', async () => {
    const ex = executor({ maxWorkers: 1 });
    ex.prestart();
    const pids = ex.stats().workers;
    expect(pids).toHaveLength(1);
    await ex.shutdown();
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('refuses after shutdown with ExecutorShutdownError', async () => {
    const ex = executor({ maxWorkers: 1 });
    await ex.shutdown();
    expect(() => ex.prestart()).toThrow(ExecutorShutdownError);
    expect(ex.stats().workers).toEqual([]);
  });
});
