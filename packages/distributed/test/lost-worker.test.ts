/**
 * A worker SIGKILLed mid-job: BullMQ's stalled-job check (run by a live
 * worker) hands the job back; an idempotent request runs again elsewhere, any
 * other task fails with WorkerLost naming the lost worker. With no worker left
 * at all, the coordinator's own deadline fails it: never pending forever.
 */
import { describe, expect, it } from '@jest/globals';
import { BrokenProcessPool, FuturesSession, fnRef } from '@requests-futures/core';
import { DistributedExecutor, WorkerLost } from '@requests-futures/distributed';
import { jobKeys, useRedisAndHoldServer } from './support/servers.js';
import { FAST_STALLS, startWorker, TASKS, until } from './support/fleet.js';

const servers = useRedisAndHoldServer();

/** The workers recorded as holding the queue's jobs. */
async function holders(queue: string): Promise<string[]> {
  const keys = await jobKeys(servers.redis, queue);
  const names = await Promise.all(keys.map((key) => servers.redis.command('HGET', key, 'rfHolder')));
  return names.flat();
}

describe('a worker lost mid-job', () => {
  it('an idempotent GET is run again by the surviving worker and succeeds', async () => {
    const doomed = await startWorker(servers.redis.url, 'lost-get', 'doomed-get', FAST_STALLS);
    const executor = new DistributedExecutor({ redis: servers.redis.url, queue: 'lost-get' });
    const session = new FuturesSession({ executor });
    const future = session.get(`${servers.hold.url}/get-once`);
    await servers.hold.arrived('/get-once');
    const survivor = await startWorker(servers.redis.url, 'lost-get', 'survivor-get', FAST_STALLS);
    await doomed.kill();
    const killedAt = Date.now();
    // The rerun's request is answered as soon as it arrives.
    servers.hold.release('/get-once');
    const response = await future.result(15);
    expect(response.text).toBe('/get-once');
    expect(Date.now() - killedAt).toBeLessThan(15_000);
    await session.close();
    await executor.shutdown();
    expect(await survivor.stop()).toBe(0);
  });

  it('a task that may have had effects fails with WorkerLost naming the lost worker, within the stall interval', async () => {
    const doomed = await startWorker(servers.redis.url, 'lost-post', 'doomed-post', FAST_STALLS);
    const executor = new DistributedExecutor({ redis: servers.redis.url, queue: 'lost-post' });
    // The doomed worker, alone at first, surely holds the first task (either worker may take the second).
    const futures = [executor.submit(fnRef(TASKS, 'holdUntilAborted'), 60_000)];
    await until(async () => (await holders('lost-post')).includes('doomed-post'), 10_000, 'the doomed worker holding the first task');
    const survivor = await startWorker(servers.redis.url, 'lost-post', 'survivor-post', FAST_STALLS);
    futures.push(executor.submit(fnRef(TASKS, 'holdUntilAborted'), 60_000));
    await until(async () => (await holders('lost-post')).length === 2, 10_000, 'both holders recorded');
    await doomed.kill();
    const killedAt = Date.now();
    const lost = await Promise.race(futures.map((f) => f.exception(15)));
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(lost).toBeInstanceOf(WorkerLost);
    expect(lost).toBeInstanceOf(BrokenProcessPool);
    expect((lost as WorkerLost).worker).toBe('doomed-post');
    expect((lost as Error).message).toMatch(/doomed-post/);
    for (const future of futures) future.abort();
    await executor.shutdown();
    expect(await survivor.stop()).toBe(0);
  });

  it('with no worker left, the coordinator fails the task after noWorkerTimeout instead of waiting forever', async () => {
    const only = await startWorker(servers.redis.url, 'lost-alone', 'only-worker', FAST_STALLS);
    const executor = new DistributedExecutor({ redis: servers.redis.url, queue: 'lost-alone', noWorkerTimeout: 1 });
    const future = executor.submit(fnRef(TASKS, 'holdUntilAborted'), 60_000);
    await until(() => future.running(), 10_000, 'the task running');
    // 'active' comes before the worker records itself as the job's holder: kill it once it has.
    await until(async () => (await holders('lost-alone')).includes('only-worker'), 10_000, 'the holder recorded');
    await only.kill();
    const error = await future.exception(10);
    expect(error).toBeInstanceOf(WorkerLost);
    expect((error as WorkerLost).worker).toBe('only-worker');
    expect((error as Error).message).toMatch(/no worker has been connected to queue lost-alone/);
    await executor.shutdown();
  });

  it('a frozen worker whose connection stays open (a lost machine) is noticed by its lock: WorkerLost, not pending forever', async () => {
    const frozen = await startWorker(servers.redis.url, 'lost-frozen', 'frozen-worker', FAST_STALLS);
    const executor = new DistributedExecutor({ redis: servers.redis.url, queue: 'lost-frozen', noWorkerTimeout: 1 });
    try {
      const future = executor.submit(fnRef(TASKS, 'holdUntilAborted'), 60_000);
      await until(() => future.running(), 10_000, 'the task running');
      await until(async () => (await holders('lost-frozen')).includes('frozen-worker'), 10_000, 'the holder recorded');
      // SIGSTOP: the process neither renews its job's lock nor closes its Redis connections, as a machine cut off the network.
      process.kill(frozen.pid, 'SIGSTOP');
      const frozenAt = Date.now();
      const error = await future.exception(15);
      // Lock expiry (1 s) + noWorkerTimeout (1 s) + a check interval, under load.
      expect(Date.now() - frozenAt).toBeLessThan(10_000);
      expect(error).toBeInstanceOf(WorkerLost);
      expect((error as WorkerLost).worker).toBe('frozen-worker');
      expect((error as Error).message).toMatch(/frozen-worker.*lock/);
      // Its connection still counts as a connected worker: liveness by connection alone would have waited.
      expect(await executor.workers()).toContain('frozen-worker');
    } finally {
      await frozen.kill();
      await executor.shutdown();
    }
  });
});
