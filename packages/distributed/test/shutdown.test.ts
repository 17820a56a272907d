/**
 * shutdown() means what it means on the pools, and leaves Redis as it found
 * it: no job, no queue key, no connection; every worker process gone.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CancelledError, ExecutorShutdownError, fnRef } from '@requests-futures/core';
import { DistributedExecutor } from '@requests-futures/distributed';
import { isAlive, startRedisServer, type RedisServer } from '@requests-futures/testing';
import { startWorker, TASKS, until } from './support/fleet.js';

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis?.stop();
});

/** Client connections other than the one asking. */
async function otherClients(): Promise<number> {
  const [list] = await redis.command('CLIENT', 'LIST');
  return list!.split('\n').filter((line) => line.trim() !== '').length - 1;
}

describe('shutdown', () => {
  it('waits for running tasks, cancels queued ones with cancelFutures, then leaves no key, connection or process behind', async () => {
    const worker = await startWorker(redis.url, 'tidy', 'tidy-worker', ['--concurrency', '1']);
    const executor = new DistributedExecutor({ redis: redis.url, queue: 'tidy' });
    const running = executor.submit(fnRef(TASKS, 'holdUntilAborted'), 1_500);
    const queued = executor.submit(fnRef(TASKS, 'add'), 1, 1);
    await until(() => running.running(), 10_000, 'the first task running');
    await executor.shutdown({ cancelFutures: true });
    expect(await running.result()).toBe('not aborted');
    await expect(queued.result()).rejects.toBeInstanceOf(CancelledError);
    expect(() => executor.submit(fnRef(TASKS, 'add'), 1, 1)).toThrow(ExecutorShutdownError);
    expect(await worker.stop()).toBe(0);
    expect(isAlive(worker.pid)).toBe(false);
    await until(async () => (await otherClients()) === 0, 10_000, 'every connection closed');
    expect(await redis.command('KEYS', '*')).toEqual([]);
  });

  it('with abort: true, running tasks are aborted on their worker and shutdown returns within the grace', async () => {
    const worker = await startWorker(redis.url, 'tidy-abort', 'tidy-abort-worker');
    const executor = new DistributedExecutor({ redis: redis.url, queue: 'tidy-abort' });
    const running = executor.submit(fnRef(TASKS, 'holdUntilAborted'), 60_000);
    await until(() => running.running(), 10_000, 'the task running');
    const started = Date.now();
    await executor.shutdown({ abort: true, grace: 2 });
    expect(running.cancelled()).toBe(true);
    // The worker stops gracefully at once: its task saw the abort.
    expect(await worker.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    await until(async () => (await otherClients()) === 0, 10_000, 'every connection closed');
    expect(await redis.command('KEYS', '*')).toEqual([]);
  });
});
