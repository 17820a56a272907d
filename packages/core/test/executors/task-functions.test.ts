/**
 * A pool child keeps each task function it imported (worker task-functions.ts)
 * and calls it without an await of its own: a wrong name still fails its
 * task alone with a clear error, whether it is the first task of its child or
 * follows good ones, and every task of a batch runs its own function.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { FnRef } from '@requests-futures/serializer';
import { isAlive, rejectionOf, task, testResources, TASKS_URL } from './process-pool-support.js';

const { executor, cleanUp } = testResources();
afterEach(async () => {
  const pids = await cleanUp();
  expect(pids.filter(isAlive)).toEqual([]);
});

describe('ProcessPoolExecutor: task functions a child imported', () => {
  it('a missing export fails its own task, naming it, before and after the module is imported, and the child serves on', async () => {
    const ex = executor({ maxWorkers: 1, concurrencyPerWorker: 4 });
    const before = await rejectionOf(ex.submit(new FnRef(TASKS_URL, 'noSuchTask')));
    expect(String(before)).toMatch(/noSuchTask/);
    const first = await ex.submit<number>(task('pid'));
    const after = await rejectionOf(ex.submit(new FnRef(TASKS_URL, 'alsoMissing')));
    expect(String(after)).toMatch(/alsoMissing/);
    expect(await ex.submit<number>(task('pid'))).toBe(first);
    expect(await ex.submit(task('add'), 2, 3)).toBe(5);
  });

  it('an export that is not a function fails its task, naming what it is', async () => {
    const ex = executor({ maxWorkers: 1 });
    const error = await rejectionOf(ex.submit(new FnRef(TASKS_URL, 'TASKS_URL')));
    expect(String(error)).toMatch(/TASKS_URL/);
    expect(String(error)).toMatch(/string/);
  });

  it('a batch mixing functions, imported and not yet, gives each task its own result', async () => {
    const ex = executor({ maxWorkers: 1, concurrencyPerWorker: 8 });
    const results = await Promise.all([
      ex.submit(task('add'), 1, 2),
      ex.submit(task('abs'), -4),
      ex.submit(task('echo'), 'x'),
      ex.submit(task('add'), 3, 4),
      ex.submit(task('abs'), -9),
    ]);
    expect(results).toEqual([3, 4, 'x', 7, 9]);
  });
});
