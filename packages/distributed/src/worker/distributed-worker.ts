/**
 * `rf worker` as a class: consumes a BullMQ queue that DistributedExecutors
 * fill, running each task on this machine's engine.
 *
 * A worker is trusted code: it runs whatever function the job names (any
 * module importable here) and its replies settle the coordinator's futures.
 * It refuses jobs of another engine version or that do not decode.
 */
import { hostname } from 'node:os';
import { Worker } from 'bullmq';
import { checkName, connect, parseRedisUrl, redisOptions } from '../connection.js';
import { settlesWithin } from '@requests-futures/core/executor-kit';
import { AbortListener } from './abort-listener.js';
import { RunningCount } from './running-count.js';
import { runJob } from './job-runner.js';
import { inProcessRunner, processPoolRunner, type TaskRunner } from './task-runner.js';

export interface DistributedWorkerOptions {
  redis: string | URL;
  queue: string;
  /** Jobs run at once by this worker. Default 8. */
  concurrency?: number;
  /** Run the jobs in this many local child processes (a ProcessPoolExecutor); 0 (default): in this process. */
  processes?: number;
  /** Same as the coordinator's. Default 'rf'. */
  prefix?: string;
  /** Shown to coordinators (WorkerLost names it). Default `<hostname>.<pid>`. */
  name?: string;
  /** Seconds a job's lock lasts without renewal (BullMQ lockDuration). Default 10. Every worker of a queue must agree. */
  lockDuration?: number;
  /** Seconds between stalled-job checks (BullMQ stalledInterval). Default 5. */
  stalledInterval?: number;
  /** Times a job may be found stalled and rerun (if safe) before it fails with WorkerLost. Default 1. */
  maxStalledCount?: number;
}

const OWNER = 'DistributedWorker';
/** How long (ms) a stopping worker waits for Redis to take its last replies, once its tasks are done. */
const UNREACHABLE_GRACE_MS = 5000;

export class DistributedWorker {
  readonly name: string;
  private readonly worker: Worker;
  private readonly commands;
  private readonly subscriber;
  private readonly runner: TaskRunner;
  private closing: Promise<void> | undefined;
  /** Tasks running in this worker now: close waits for them, whatever Redis does. */
  private readonly running = new RunningCount();
  private readonly unreachableGraceMs = UNREACHABLE_GRACE_MS;
  private readonly prefix: string;
  private readonly queue: string;

  constructor(options: DistributedWorkerOptions) {
    const redis = parseRedisUrl(options.redis, OWNER);
    const queue = checkName(options.queue, 'queue', OWNER);
    const prefix = checkName(options.prefix ?? 'rf', 'prefix', OWNER);
    this.prefix = prefix;
    this.queue = queue;
    const concurrency = count(options.concurrency ?? 8, 'concurrency', 1);
    const processes = count(options.processes ?? 0, 'processes', 0);
    this.name = options.name ?? `${hostname()}.${process.pid}`;
    this.commands = connect(redis);
    this.subscriber = connect(redis);
    this.runner = processes > 0 ? processPoolRunner(processes, Math.ceil(concurrency / processes)) : inProcessRunner();
    const aborts = new AbortListener(this.subscriber, prefix, queue);
    const context = { name: this.name, prefix, queue, commands: this.commands, aborts, runner: this.runner };
    this.worker = new Worker(queue, (job) => this.running.during(runJob(job, context)), {
      connection: redisOptions(redis),
      prefix,
      concurrency,
      name: this.name,
      autorun: false,
      lockDuration: seconds(options.lockDuration ?? 10, 'lockDuration'),
      stalledInterval: seconds(options.stalledInterval ?? 5, 'stalledInterval'),
      maxStalledCount: count(options.maxStalledCount ?? 1, 'maxStalledCount', 0),
      // Replies are read from the events stream; the job itself is not kept.
      removeOnComplete: { count: 0 },
    });
    this.worker.on('error', () => {});
    // Its lock is gone (Redis restarted and lost the job, or a stalled check gave it away): nobody will take this result.
    this.worker.on('lockRenewalFailed', (jobIds: string[]) => {
      for (const jobId of jobIds) aborts.abort(jobId, `the job's lock in Redis was lost (Redis restarted, or the job was handed to another worker)`);
    });
    this.started = aborts.ready.then(() => {
      void this.worker.run().catch(() => {});
      return this.worker.waitUntilReady().then(() => {});
    });
  }

  /** Resolves once the worker listens for jobs and for aborts. */
  readonly started: Promise<void>;

  /**
   * Graceful: takes no new job, lets running ones finish and reply, then closes
   * every connection and child. Replies need Redis: if it is unreachable, close
   * gives up `unreachableGraceMs` after the last task here finished (its jobs
   * are then handed back by the stalled-job check, or were lost with Redis).
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.started.catch(() => {});
      const closed = this.worker.close().catch(() => {});
      await this.running.idle();
      const tidied = (async () => {
        await closed;
        // The stalled-check marker outlives every worker by its TTL otherwise; another worker just re-creates it.
        await this.commands.del(`${this.prefix}:${this.queue}:stalled-check`).catch(() => 0);
        await Promise.allSettled([this.commands.quit(), this.subscriber.quit()]);
      })();
      // Commands wait for Redis to come back (maxRetriesPerRequest: null): a stop must not.
      if (!(await settlesWithin(tidied, this.unreachableGraceMs))) {
        await this.worker.disconnect().catch(() => {});
        this.commands.disconnect();
        this.subscriber.disconnect();
      }
      await this.runner.close();
    })();
    return this.closing;
  }
}

function count(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new RangeError(`${OWNER}: ${name} must be an integer ≥ ${min}, got ${String(value)}`);
  return value;
}

function seconds(value: unknown, name: string): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw new RangeError(`${OWNER}: ${name} must be a positive number of seconds, got ${String(value)}`);
  return Math.round(value * 1000);
}
