/**
 * Redis restarted (without persistence) during a run: every pending future
 * settles with RedisJobLost rather than hanging, and the executor and its
 * workers carry on once Redis is back.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { fnRef } from '@requests-futures/core';
import { DistributedExecutor, RedisJobLost } from '@requests-futures/distributed';
import { startRedisServer, type RedisServer } from '@requests-futures/testing';
import { startWorker, TASKS, until, type WorkerProcess } from './support/fleet.js';

let redis: RedisServer;
let worker: WorkerProcess;

beforeAll(async () => {
  redis = await startRedisServer();
  worker = await startWorker(redis.url, 'restart', 'restart-worker', ['--concurrency', '2']);
});

afterAll(async () => {
  try {
    expect(await worker?.stop()).toBe(0);
  } finally {
    await redis?.stop();
  }
});

describe('Redis restarted mid-run', () => {
  it('fails running and waiting tasks with RedisJobLost, then runs new tasks', async () => {
    const executor = new DistributedExecutor({ redis: redis.url, queue: 'restart' });
    // Two run (concurrency 2), two wait in Redis.
    const futures = Array.from({ length: 4 }, () => executor.submit(fnRef(TASKS, 'holdUntilAborted'), 60_000));
    await until(() => futures.filter((f) => f.running()).length === 2, 10_000, 'two tasks running');
    const restartedAt = Date.now();
    await redis.restart();
    const errors = await Promise.all(futures.map((f) => f.exception(20)));
    for (const error of errors) {
      expect(error).toBeInstanceOf(RedisJobLost);
      expect((error as Error).message).toMatch(/lost this task's job/);
    }
    expect(Date.now() - restartedAt).toBeLessThan(20_000);
    // Everything reconnected: a new task runs (the old ones still occupy the worker's two slots until aborted).
    const fresh = executor.submit(fnRef(TASKS, 'add'), 1, 1);
    for (const future of futures) future.abort();
    expect(await fresh.result(20)).toBe(2);
    await executor.shutdown();
  });

  it('with Redis gone for longer than redisTimeout, every pending future fails clearly', async () => {
    const executor = new DistributedExecutor({ redis: redis.url, queue: 'restart', redisTimeout: 1 });
    const running = executor.submit(fnRef(TASKS, 'holdUntilAborted'), 60_000);
    await until(() => running.running(), 10_000, 'the task running');
    await redis.stop();
    const waiting = executor.submit(fnRef(TASKS, 'add'), 1, 2);
    for (const future of [running, waiting]) {
      const error = await future.exception(15);
      expect(error).toBeInstanceOf(RedisJobLost);
      expect((error as Error).message).toMatch(/unreachable for .* s \(redisTimeout\)/);
    }
    await redis.restart();
    await executor.shutdown();
  });

  it('with Redis down, a stopping worker still exits (0) and shutdown() still returns, each within its 5 s bound', async () => {
    const own = await startRedisServer();
    const stranded = await startWorker(own.url, 'stranded', 'stranded-worker');
    const executor = new DistributedExecutor({ redis: own.url, queue: 'stranded' });
    expect(await executor.submit(fnRef(TASKS, 'add'), 1, 2).result(20)).toBe(3);
    await own.stop();
    const started = Date.now();
    const [code] = await Promise.all([stranded.stop(), executor.shutdown()]);
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
