/**
 * cancel() and abort() as on the pools, across Redis: a queued task's job is
 * removed; a running one cannot be cancelled, but abort() reaches the worker
 * and stops its request there.
 */
import { describe, expect, it } from '@jest/globals';
import { CancelledError, FuturesSession, fnRef } from '@requests-futures/core';
import { DistributedExecutor } from '@requests-futures/distributed';
import { jobKeys, useRedisAndHoldServer } from './support/servers.js';
import { startWorker, TASKS, until, type WorkerProcess } from './support/fleet.js';

const servers = useRedisAndHoldServer();

async function jobIds(queue: string): Promise<string[]> {
  return (await jobKeys(servers.redis, queue)).map((key) => key.split(':')[2]!);
}

describe('cancel and abort through BullMQ', () => {
  it('cancel() of a task waiting in Redis returns true and removes its job; no worker ever runs it', async () => {
    const executor = new DistributedExecutor({ redis: servers.redis.url, queue: 'cancel-queued' });
    const events: string[] = [];
    executor.on('cancelled', () => events.push('cancelled'));
    const future = executor.submit(fnRef(TASKS, 'add'), 1, 2);
    // No worker yet: the job waits in Redis.
    await until(async () => (await jobIds('cancel-queued')).length === 1, 10_000, 'the job in Redis');
    expect(future.cancel()).toBe(true);
    expect(future.cancelled()).toBe(true);
    await expect(future.result()).rejects.toBeInstanceOf(CancelledError);
    await until(async () => (await jobIds('cancel-queued')).length === 0, 10_000, 'the job removed');
    expect(events).toEqual(['cancelled']);
    expect(executor.stats()).toMatchObject({ cancelled: 1, queued: 0, running: 0 });
    // A worker started now finds nothing to run.
    const worker = await startWorker(servers.redis.url, 'cancel-queued', 'late-worker');
    const after = executor.submit(fnRef(TASKS, 'add'), 2, 2);
    expect(await after.result(20)).toBe(4);
    await executor.shutdown();
    expect(await worker.stop()).toBe(0);
  });

  it('cancel() of a running task returns false; abort() reaches the worker, whose request is closed', async () => {
    const worker = await startWorker(servers.redis.url, 'abort-running', 'abort-worker');
    const executor = new DistributedExecutor({ redis: servers.redis.url, queue: 'abort-running' });
    const session = new FuturesSession({ executor });
    const future = session.get(`${servers.hold.url}/held-for-abort`);
    await servers.hold.arrived('/held-for-abort');
    await until(() => future.running(), 10_000, 'the active event');
    expect(future.cancel()).toBe(false);
    expect(future.abort(new Error('enough'))).toBe(true);
    await expect(future.result()).rejects.toBeInstanceOf(CancelledError);
    // The worker's request was closed: the abort crossed Redis to the worker.
    await servers.hold.abandoned('/held-for-abort');
    // The worker is still usable.
    expect(await executor.submit(fnRef(TASKS, 'add'), 20, 22).result(20)).toBe(42);
    await session.close();
    await executor.shutdown();
    expect(await worker.stop()).toBe(0);
  });

  it("abort() of a plain task aborts its task signal on the worker (the worker's graceful stop does not wait out the task's 30 s)", async () => {
    const worker = await startWorker(servers.redis.url, 'abort-task', 'abort-task-worker');
    const executor = new DistributedExecutor({ redis: servers.redis.url, queue: 'abort-task' });
    const running = executor.submit(fnRef(TASKS, 'holdUntilAborted'), 30_000);
    await until(() => running.running(), 10_000, 'the task running');
    const started = Date.now();
    running.abort('stop');
    // shutdown waits for nothing left: the abort settled the future, and the worker let go.
    await executor.shutdown();
    expect(await worker.stop()).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
