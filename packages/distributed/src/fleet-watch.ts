/**
 * What BullMQ alone would leave pending forever, watched from the coordinator:
 *
 * - a job whose worker died while no other worker is alive stays active
 *   (only a live worker runs the stalled-job check). Two signs, either of
 *   which fails its task with WorkerLost after `noWorkerTimeout`:
 *   no worker connected to the queue at all (a killed process closes its
 *   connections at once), or the job active without its lock (a worker
 *   renews its jobs' locks while it runs: a frozen process or a machine cut
 *   off the network stops renewing, but its TCP connections look open to
 *   Redis for minutes, until keepalive gives up). The lock is BullMQ's own
 *   heartbeat, so no key of ours is needed; a live worker's stalled check
 *   takes such a job over first (lockDuration + 2 × stalledInterval), which
 *   is why noWorkerTimeout must exceed that;
 * - Redis unreachable: commands wait for the reconnection (maxRetriesPerRequest
 *   null); after `redisTimeout` every pending task fails with RedisJobLost. When
 *   Redis comes back, each job in flight is looked up: one that Redis no longer
 *   has (a restart without persistence) fails with RedisJobLost at once.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { HOLDER_FIELD, jobKey, lockKey } from './channels.js';
import { RedisJobLost, WorkerLost } from './errors.js';
import type { ResolvedOptions } from './options.js';

export interface FleetWatchTasks {
  /** Job ids of tasks a worker has started. */
  running(): string[];
  /** Job ids of tasks added to Redis and not settled. */
  sent(): string[];
  /** Job ids of every unsettled task (in this process or in Redis). */
  pending(): string[];
  fail(jobId: string, error: Error): void;
}

export class FleetWatch {
  private timer: NodeJS.Timeout | undefined;
  private noWorkerSince: number | undefined;
  /** Running jobs seen without their lock, since when. */
  private readonly unlockedSince = new Map<string, number>();
  private redisDownSince: number | undefined;
  private checking = false;

  constructor(
    private readonly redis: Redis,
    private readonly queue: Queue,
    private readonly options: ResolvedOptions,
    private readonly tasks: FleetWatchTasks,
  ) {
    redis.on('close', () => (this.redisDownSince ??= Date.now()));
    redis.on('ready', () => {
      if (this.redisDownSince === undefined) return;
      this.redisDownSince = undefined;
      void this.findLostJobs();
    });
  }

  /** Ticks while the executor has work; idempotent. */
  start(): void {
    if (this.timer !== undefined) return;
    const every = Math.max(100, Math.min(2000, Math.min(this.options.noWorkerTimeoutMs, this.options.redisTimeoutMs) / 4));
    this.timer = setInterval(() => void this.tick(), every);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      if (this.redisDownSince !== undefined) this.checkRedisDown();
      else await this.checkWorkers();
    } catch {
      // A command that failed mid-check: the next tick looks again.
    } finally {
      this.checking = false;
    }
  }

  private checkRedisDown(): void {
    const downMs = Date.now() - this.redisDownSince!;
    if (downMs < this.options.redisTimeoutMs) return;
    const error = () => new RedisJobLost(`Redis at ${this.options.redis} has been unreachable for ${(downMs / 1000).toFixed(1)} s (redisTimeout); the task's outcome is unknown`);
    for (const jobId of this.tasks.pending()) this.tasks.fail(jobId, error());
  }

  private async checkWorkers(): Promise<void> {
    const running = this.tasks.running();
    if (running.length === 0) {
      this.noWorkerSince = undefined;
      this.unlockedSince.clear();
      return;
    }
    if ((await this.queue.getWorkersCount()) > 0) this.noWorkerSince = undefined;
    else this.noWorkerSince ??= Date.now();
    const aloneMs = this.noWorkerSince === undefined ? 0 : Date.now() - this.noWorkerSince;
    if (aloneMs >= this.options.noWorkerTimeoutMs) {
      const { queue } = this.options;
      for (const jobId of running) await this.failLost(jobId, (holder) => `The worker ${holder} holding this task is gone and no worker has been connected to queue ${queue} for ${seconds(aloneMs)} s (noWorkerTimeout)`);
      return;
    }
    await this.checkLocks(running);
  }

  /** Jobs active without a lock for noWorkerTimeout: their worker stopped renewing it and no live worker took them over. */
  private async checkLocks(running: string[]): Promise<void> {
    const { prefix, queue, noWorkerTimeoutMs } = this.options;
    const pipeline = this.redis.pipeline();
    for (const jobId of running) pipeline.exists(lockKey(prefix, queue, jobId));
    const locked = ((await pipeline.exec()) ?? []).map(([error, exists]) => error !== null || exists === 1);
    const now = Date.now();
    for (const id of this.unlockedSince.keys()) if (!running.includes(id)) this.unlockedSince.delete(id);
    for (const [i, jobId] of running.entries()) {
      if (locked[i]) {
        this.unlockedSince.delete(jobId);
        continue;
      }
      const since = this.unlockedSince.get(jobId) ?? now;
      this.unlockedSince.set(jobId, since);
      if (now - since < noWorkerTimeoutMs) continue;
      // Waiting again (a stalled check handed it back for a rerun) or finished meanwhile: not lost.
      if ((await this.queue.getJobState(jobId)) !== 'active') {
        this.unlockedSince.delete(jobId);
        continue;
      }
      this.unlockedSince.delete(jobId);
      await this.failLost(
        jobId,
        (holder) => `The worker ${holder} holding this task stopped renewing its job's lock ${seconds(now - since)} s ago (noWorkerTimeout) and no live worker took the job over: the process froze or its machine or network was lost`,
      );
    }
  }

  private async failLost(jobId: string, describe: (holder: string) => string): Promise<void> {
    const holder = (await this.redis.hget(jobKey(this.options.prefix, this.options.queue, jobId), HOLDER_FIELD)) ?? 'an unknown worker';
    // The lock of a dead worker's job expires after lockDuration; until then remove() refuses, and shutdown tries again.
    await this.queue.remove(jobId).catch(() => 0);
    this.tasks.fail(jobId, new WorkerLost(describe(holder), holder));
  }

  private async findLostJobs(): Promise<void> {
    // A round trip on the queue's own connection first: adds it queued while Redis was away have landed by then.
    if ((await this.queue.getJobCounts().catch(() => undefined)) === undefined) return;
    for (const jobId of this.tasks.sent()) {
      const state = await this.queue.getJobState(jobId).catch(() => undefined);
      if (state === 'unknown') this.tasks.fail(jobId, new RedisJobLost(`Redis at ${this.options.redis} lost this task's job (restarted without persistence, or flushed) before it finished`));
    }
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
