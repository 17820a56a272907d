/**
 * Children start when tasks need them (CPython 3.9+'s ProcessPoolExecutor):
 * an idle child is reused before a new one is spawned, and the pool grows up
 * to maxWorkers only under load. Ports of test_concurrent_futures/
 * test_process_pool.py (titles carry the upstream names); the children are
 * counted both by the executor and from /proc.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { childPidsOf } from '../reliability/support/process-tree.js';
import { isAlive, task, testResources } from './process-pool-support.js';

const { executor, gateServer, cleanUp } = testResources();
afterEach(async () => {
  const pids = await cleanUp();
  expect(pids.filter(isAlive)).toEqual([]);
});

/** This process's live children that were not there before (`before`). */
function newChildren(before: readonly number[]): number[] {
  return childPidsOf(process.pid)
    .filter((pid) => isAlive(pid) && !before.includes(pid))
    .sort((a, b) => a - b);
}

function sorted(pids: readonly number[]): number[] {
  return [...pids].sort((a, b) => a - b);
}

/** The executor's account of its children is the one /proc gives. */
function expectProcAgrees(before: readonly number[], ex: { stats(): { workers: number[] } }): void {
  expect(newChildren(before)).toEqual(sorted(ex.stats().workers));
}

describe('ProcessPoolExecutor: children start on demand', () => {
  it('test_idle_process_reuse_one: three one-at-a-time tasks on maxWorkers 5 leave one child', async () => {
    const before = childPidsOf(process.pid);
    const ex = executor({ maxWorkers: 5 });
    expect(await ex.submit(task('add'), 21, 2)).toBe(23);
    expect(await ex.submit(task('add'), 6, 7)).toBe(13);
    expect(await ex.submit(task('add'), 3, 14)).toBe(17);
    expect(ex.stats().workers).toHaveLength(1);
    expectProcAgrees(before, ex);
  });

  it('test_idle_process_reuse_multiple: never more children than tasks held at once', async () => {
    const before = childPidsOf(process.pid);
    const ex = executor({ maxWorkers: 5 });
    await ex.submit(task('add'), 12, 7);
    const second = ex.submit(task('pidAfter'), 0);
    await ex.submit(task('add'), 25, 26);
    const fourth = ex.submit(task('pidAfter'), 0);
    await ex.submit(task('add'), 1, 2);
    const sixth = ex.submit(task('pidAfter'), 0);
    await Promise.all([second, fourth, sixth]);
    expect(ex.stats().workers.length).toBeLessThanOrEqual(3);
    expectProcAgrees(before, ex);
  });

  it('an idle child is reused: sequential tasks all run in the first child', async () => {
    const ex = executor({ maxWorkers: 4 });
    const pids: number[] = [];
    for (let i = 0; i < 5; i++) pids.push(await ex.submit<number>(task('pid')));
    expect(new Set(pids).size).toBe(1);
    expect(ex.stats().workers).toEqual([pids[0]]);
  });

  it('test_saturation: under load the pool grows to maxWorkers, and no further', async () => {
    const before = childPidsOf(process.pid);
    const gate = await gateServer();
    const maxWorkers = 3;
    const ex = executor({ maxWorkers, concurrencyPerWorker: 2 });
    const jobCount = 15 * maxWorkers;
    const futures = Array.from({ length: jobCount }, (_, i) => ex.submit(task('fetchText'), `${gate.url}/job-${i}`));
    // Every slot of every child is taken before anything is answered.
    const held = await gate.arrivals(maxWorkers * 2);
    expect(new Set(held.map((r) => r.pid)).size).toBe(maxWorkers);
    expect(ex.stats().workers).toHaveLength(maxWorkers);
    expectProcAgrees(before, ex);
    gate.openGate();
    const results = await Promise.all(futures);
    expect(results.map((r) => (r as { text: string }).text)).toEqual(futures.map((_, i) => `/job-${i}`));
    expect(ex.stats().workers).toHaveLength(maxWorkers);
  });

  it('a large maxWorkers costs nothing up front: no child before the first task, one after it', async () => {
    const before = childPidsOf(process.pid);
    const ex = executor({ maxWorkers: 256 });
    expect(ex.stats().workers).toEqual([]);
    expectProcAgrees(before, ex);
    const sums = await Promise.all([ex.submit(task('add'), 1, 2)]);
    expect({ sums, children: ex.stats().workers.length }).toEqual({ sums: [3], children: 1 });
    expectProcAgrees(before, ex);
  });

  it('prestart() still starts every child, and a task then runs in one of them without spawning more', async () => {
    const before = childPidsOf(process.pid);
    const ex = executor({ maxWorkers: 3 });
    ex.prestart();
    const pids = sorted(ex.stats().workers);
    expect(pids).toHaveLength(3);
    expect(newChildren(before)).toEqual(pids);
    const ran = await Promise.all([ex.submit<number>(task('pid')), ex.submit<number>(task('pid'))]);
    for (const pid of ran) expect(pids).toContain(pid);
    expect(sorted(ex.stats().workers)).toEqual(pids);
  });
});
