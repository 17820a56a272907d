/**
 * Several workers on one queue, each a separate process (one of them running
 * its jobs in local child processes), watched through stats() and events.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fnRef, type Future } from '@requests-futures/core';
import { DistributedExecutor } from '@requests-futures/distributed';
import { startRedisServer, type RedisServer } from '@requests-futures/testing';
import { startWorker, TASKS, type WorkerProcess } from './support/fleet.js';

let redis: RedisServer;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  workers.push(await startWorker(redis.url, 'fleet', 'fleet-a'), await startWorker(redis.url, 'fleet', 'fleet-b', ['--processes', '2', '--concurrency', '4']));
});

afterAll(async () => {
  for (const worker of workers) expect(await worker.stop()).toBe(0);
  await redis?.stop();
});

describe('a fleet of workers sharing a queue', () => {
  it('spreads tasks over both worker processes (and worker b over its child processes)', async () => {
    const executor = new DistributedExecutor({ redis: redis.url, queue: 'fleet', maxQueued: 64 });
    const pids = new Set<number>();
    // Bounded by maxQueued; each round trip is short, so loop until both answered or many tasks ran.
    for (let round = 0; round < 20 && pids.size < 3; round++) {
      const batch = Array.from({ length: 64 }, () => executor.submit(fnRef(TASKS, 'workerPid')));
      for (const pid of await Promise.all(batch.map((f) => f.result(20)))) pids.add(pid as number);
    }
    expect(pids.has(workers[0]!.pid)).toBe(true);
    // Worker b runs jobs in its children, so their pids are not its own.
    expect([...pids].filter((pid) => pid !== workers[0]!.pid && pid !== workers[1]!.pid).length).toBeGreaterThanOrEqual(1);
    expect((await executor.workers()).sort()).toEqual(['fleet-a', 'fleet-b']);
    await executor.shutdown();
  });

  it('stats() and events partition every task: queued → running → done / failed / cancelled', async () => {
    const executor = new DistributedExecutor({ redis: redis.url, queue: 'fleet' });
    const seen: Record<string, number> = { queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
    for (const name of Object.keys(seen)) executor.on(name as 'queued', () => void (seen[name]! += 1));
    const ok = Array.from({ length: 10 }, (_, i) => executor.submit(fnRef(TASKS, 'add'), i, 1));
    const bad = executor.submit(fnRef(TASKS, 'throwRange'), 'no');
    const cancelled = executor.submit(fnRef(TASKS, 'add'), 0, 0);
    expect(cancelled.cancel()).toBe(true);
    const all: Future<unknown>[] = [...ok, bad, cancelled];
    await Promise.allSettled(all.map((f) => f.exception()));
    await new Promise((resolve) => setImmediate(resolve));
    expect(executor.stats()).toEqual({ queued: 0, running: 0, completed: 10, failed: 1, cancelled: 1, workers: [] });
    expect(seen).toEqual({ queued: 12, running: 11, done: 10, failed: 1, cancelled: 1 });
    await executor.shutdown();
  });
});
