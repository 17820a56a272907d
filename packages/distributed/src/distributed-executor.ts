/**
 * DistributedExecutor: the Executor interface of the two pools, with the
 * tasks run by `rf worker` processes on any machine that reaches the Redis
 * server, through a BullMQ queue.
 *
 *   submit(fn, ...args)                 coordinator (this file)
 *     │ encode({ fn, args }) now: PicklingError before anything is sent
 *     ▼
 *   local FIFO (cancel() is free here) ── at most maxQueued jobs in Redis
 *     │ one addBulk per event-loop turn
 *     ▼
 *   BullMQ queue ───────────────────────── rf worker (worker/job-runner.ts):
 *     │                                      version check, decode, run, reply
 *     ▼
 *   QueueEvents (event-feed.ts): active → running, completed → decode the reply,
 *   failed → WorkerLost (stalled too often) or the failure; RedisWatch and
 *   WorkerWatch settle what BullMQ alone would leave pending forever.
 */
import { Queue, type JobsOptions, type QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { ExecutorShutdownError, Future, type Executor, type MapOptions, type ShutdownOptions, type Task } from '@requests-futures/core';
import { ExecutorMonitor, mapLazily, resolveMapOptions, settlesWithin, timeoutToMs } from '@requests-futures/core/executor-kit';
import type { ExecutorEventName, ExecutorListener, ExecutorStats, ObservableExecutor } from '@requests-futures/core';
import { decode, encode, type FnRef } from '@requests-futures/serializer';
import type { TaskPayload } from '@requests-futures/worker';
import { abortChannel, HOLDER_FIELD, jobKey, type AbortRequest } from './channels.js';
import { connect, redisOptions } from './connection.js';
import { makeJobData, newExecutorId, requireFnRef, textToReply } from './envelope.js';
import { RedisJobLost, WorkerLost } from './errors.js';
import { startEventFeed } from './event-feed.js';
import { retrySafe } from './loss-safety.js';
import { resolveOptions, type DistributedExecutorOptions, type ResolvedOptions } from './options.js';
import { FleetWatch } from './fleet-watch.js';

export type { DistributedExecutorOptions } from './options.js';

interface DistributedTask {
  readonly jobId: string;
  readonly future: Future<any>;
  readonly data: ReturnType<typeof makeJobData>;
  /** In Redis (added, or being added); false while it waits in this process. */
  sent: boolean;
}

/** BullMQ's own failedReason when a job stalled more often than maxStalledCount allows. */
const STALLED_TOO_OFTEN = /stalled more than allowable limit/;
/** How long (ms) shutdown waits for an unreachable Redis before it drops its connections. */
const UNREACHABLE_GRACE_MS = 5000;
/** Jobs BullMQ drops from its events stream beyond this; we keep far fewer in flight. */
const DEFAULT_EVENTS_MAX_LEN = 10_000;

export class DistributedExecutor implements Executor, ObservableExecutor {
  readonly crossesProcesses = true;
  /** Tasks in Redis at once (maxQueued): what a session sizes its windows by. */
  readonly maxWorkers: number;
  /** The same number: a session's default maxQueued is twice it. */
  readonly capacity: number;
  readonly queueName: string;

  private readonly options: ResolvedOptions;
  private readonly id = newExecutorId();
  private readonly queue: Queue;
  /** Our own commands: the events stream's last id, a lost job's holder, abort messages. */
  private readonly commands: Redis;
  private readonly monitor = new ExecutorMonitor('DistributedExecutor', true);
  private readonly waiting = new Map<string, DistributedTask>();
  private readonly inRedis = new Map<string, DistributedTask>();
  private readonly ready: Promise<void>;
  private readonly fleet: FleetWatch;
  private nextTask = 1;
  private flushScheduled = false;
  private isShutdown = false;
  private closed: Promise<void> | undefined;
  private idleWaiters: Array<() => void> = [];
  /** Job removals and abort messages on their way to Redis. */
  private readonly sending = new Set<Promise<void>>();
  /** Jobs of settled (aborted) tasks that a worker still runs: shutdown lets them finish before it tidies Redis. */
  private readonly leaving = new Set<string>();
  private leavingWaiters: Array<() => void> = [];

  constructor(options: DistributedExecutorOptions) {
    this.options = resolveOptions(options);
    this.maxWorkers = this.options.maxQueued;
    this.capacity = this.options.maxQueued;
    this.queueName = this.options.queue;
    const { redis, queue, prefix, maxQueued } = this.options;
    this.queue = new Queue(queue, {
      connection: redisOptions(redis),
      prefix,
      streams: { events: { maxLen: Math.max(DEFAULT_EVENTS_MAX_LEN, 10 * maxQueued) } },
    });
    this.queue.on('error', () => {});
    this.commands = connect(redis);
    this.fleet = new FleetWatch(this.commands, this.queue, this.options, {
      running: () => [...this.inRedis.values()].filter((task) => task.future.running()).map((task) => task.jobId),
      sent: () => [...this.inRedis.keys()],
      pending: () => [...this.waiting.values(), ...this.inRedis.values()].map((task) => task.jobId),
      fail: (jobId, error) => this.failTask(jobId, error),
    });
    const feed = startEventFeed(redis, prefix, queue, this.commands, {
      active: (jobId) => this.onActive(jobId),
      completed: (jobId, value) => this.onCompleted(jobId, value),
      failed: (jobId, reason) => void this.onFailed(jobId, reason),
      stalled: () => {},
      created: (events) => (this.events = events),
    });
    this.ready = feed.then(() => {});
    // A feed that cannot start fails every task that waited for it (flush() rethrows the reason).
    this.ready.catch(() => {});
  }

  /** The shared events reader, once made (before it is ready). */
  private events: QueueEvents | undefined;
  /** How long shutdown waits for aborted jobs to leave the workers (the abort grace). */
  private leaveTimeoutMs: number | undefined = 5000;

  /**
   * Schedules `fn(...args)` on a worker and returns its future at once. The
   * task is checked and encoded now, synchronously, as ProcessPoolExecutor does.
   * @throws ExecutorShutdownError after shutdown(); PicklingError for a plain
   *   function or an argument that cannot travel; TypeError for a non-fnRef.
   */
  submit<R = unknown>(fn: Task<any[], R>, ...args: unknown[]): Future<Awaited<R>> {
    if (this.isShutdown) throw new ExecutorShutdownError();
    const ref: FnRef = requireFnRef(fn);
    const payload: TaskPayload = { fn: ref, args };
    const wire = encode(payload, { rootPath: '' });
    const future = new Future<Awaited<R>>();
    const task: DistributedTask = { jobId: `${this.id}-${this.nextTask++}`, future, data: makeJobData(wire, retrySafe(ref, args)), sent: false };
    this.waiting.set(task.jobId, task);
    future.addDoneCallback(() => this.onFutureDone(task));
    this.monitor.queued(future, ref);
    this.scheduleFlush();
    return future;
  }

  /** Results in input order, with at most `window` (default 2 × maxQueued) items submitted ahead of the consumer. */
  map<T, R>(fn: Task<[T], R>, iterable: Iterable<T> | AsyncIterable<T>, options?: MapOptions): AsyncIterable<Awaited<R>> {
    if (this.isShutdown) throw new ExecutorShutdownError();
    requireFnRef(fn);
    const { timeout, window } = resolveMapOptions(options, 'DistributedExecutor', 2 * this.maxWorkers);
    return mapLazily((item: T) => this.submit<R>(fn, item), iterable, { timeout, window });
  }

  /**
   * As on the pools: stops accepting tasks; `cancelFutures` cancels those no
   * worker has taken (their jobs are removed); `abort` aborts running ones (the
   * worker is told). Once nothing is pending, this executor's jobs are gone from
   * Redis, the queue's keys too if no job of anyone is left, and its Redis
   * connections are closed. With `abort`, after `grace` seconds every future
   * still pending fails.
   */
  async shutdown({ wait = true, cancelFutures = false, abort = false, grace }: ShutdownOptions = {}): Promise<void> {
    const graceMs = timeoutToMs(grace ?? 5, 'shutdown({ grace })');
    this.isShutdown = true;
    const all = () => [...this.waiting.values(), ...this.inRedis.values()];
    if (cancelFutures) for (const task of all()) task.future.cancel();
    const reason = new ExecutorShutdownError('executor shut down with abort: true');
    if (abort) for (const task of all()) task.future.abort(reason);
    this.leaveTimeoutMs = graceMs ?? this.leaveTimeoutMs;
    this.closed ??= this.closeWhenIdle();
    if (abort) {
      void settlesWithin(this.whenIdle(), graceMs).then((idle) => {
        if (!idle) for (const task of all()) task.future.setException(reason);
      });
    }
    if (wait) await this.closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown({ wait: true });
  }

  stats(): ExecutorStats {
    // Workers are processes on other machines: they have names, not local pids (see workers()).
    return this.monitor.stats([]);
  }

  /** The names of the workers connected to this queue now (`rf worker` names itself host:pid). */
  async workers(): Promise<string[]> {
    const list = await this.queue.getWorkers();
    // BullMQ names a worker's connection `<prefix>:<base64 queue>:w:<name>`: the name is what follows.
    return list.map((worker) => String(worker['rawname'] ?? '').replace(/^.*?:w:/, ''));
  }

  on<E extends ExecutorEventName>(event: E, listener: ExecutorListener<E>): () => void {
    return this.monitor.on(event, listener);
  }

  off<E extends ExecutorEventName>(event: E, listener: ExecutorListener<E>): void {
    this.monitor.off(event, listener);
  }

  // ---- sending ------------------------------------------------------------------

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate, not a microtask: a loop of submits in one turn becomes one addBulk.
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  /** Moves waiting tasks into Redis, up to maxQueued jobs there, in one addBulk. */
  private async flush(): Promise<void> {
    const room = this.options.maxQueued - this.inRedis.size;
    // Refilling one job per finished job costs an addBulk round trip each: wait until a quarter of the
    // room is free, unless nothing is in Redis (measured: 209 → 192 µs coordinator CPU per tiny task).
    const minBatch = Math.max(1, Math.floor(this.options.maxQueued / 4));
    if (room < Math.min(minBatch, this.waiting.size) && this.inRedis.size > 0) return;
    const batch: DistributedTask[] = [];
    for (const task of this.waiting.values()) {
      if (batch.length >= room) break;
      batch.push(task);
    }
    if (batch.length === 0) return;
    for (const task of batch) {
      this.waiting.delete(task.jobId);
      this.inRedis.set(task.jobId, task);
      task.sent = true;
    }
    this.fleet.start();
    // Completed jobs go at once (the result came through the events stream); failed ones stay until read.
    const opts: JobsOptions = { removeOnComplete: true, removeOnFail: false };
    try {
      await this.ready;
      await this.queue.addBulk(batch.map((task) => ({ name: 'rf', data: task.data, opts: { ...opts, jobId: task.jobId } })));
    } catch (error) {
      for (const task of batch) this.failTask(task.jobId, error);
    }
  }

  // ---- what BullMQ reports ---------------------------------------------------------

  private onActive(jobId: string): void {
    const task = this.inRedis.get(jobId);
    if (task === undefined || task.future.running()) return; // another executor's, or a rerun after a stall
    if (task.future.setRunningOrNotifyCancel()) this.monitor.running(task.future);
  }

  private onCompleted(jobId: string, returnvalue: unknown): void {
    this.left(jobId);
    const task = this.inRedis.get(jobId);
    if (task === undefined) return;
    this.forget(task);
    try {
      const reply = textToReply(returnvalue);
      if (reply.ok) task.future.setResult(decode(reply.value));
      else task.future.setException(decode(reply.error));
    } catch (error) {
      task.future.setException(error);
    }
  }

  /** Failed jobs were kept (removeOnFail: false) so that a lost worker's name can be read; removed now. */
  private async onFailed(jobId: string, failedReason: string): Promise<void> {
    const task = this.inRedis.get(jobId);
    if (this.leaving.has(jobId)) await this.queue.remove(jobId).catch(() => 0);
    this.left(jobId);
    if (task === undefined) return;
    this.forget(task);
    let error: Error;
    if (STALLED_TOO_OFTEN.test(failedReason)) {
      const holder = (await this.commands.hget(jobKey(this.options.prefix, this.options.queue, jobId), HOLDER_FIELD).catch(() => null)) ?? 'an unknown worker';
      error = new WorkerLost(`The worker ${holder} was lost while running this task (its job stalled: ${failedReason}); it was not run again`, holder);
    } else {
      error = new Error(`The job failed on a worker: ${failedReason}`);
    }
    await this.queue.remove(jobId).catch(() => 0);
    task.future.setException(error);
  }

  // ---- cancel, abort, loss ---------------------------------------------------------

  private onFutureDone(task: DistributedTask): void {
    this.waiting.delete(task.jobId);
    if (task.future.cancelled() && this.inRedis.has(task.jobId)) {
      this.forget(task);
      this.track(this.withdraw(task));
    }
    this.scheduleFlush();
    this.notifyIfIdle();
  }

  /** A cancelled task's job is removed; one a worker holds (remove answers 0) is told to abort. */
  private async withdraw(task: DistributedTask): Promise<void> {
    try {
      await this.ready;
      const removed = await this.queue.remove(task.jobId);
      if (removed === 1) return;
      this.leaving.add(task.jobId);
      await this.tellWorkersToAbort(task.jobId, await task.future.exception().then(describeReason, describeReason));
    } catch {
      // Redis is away: the job may still run; its result is dropped (the future is settled).
    }
  }

  /** Shutdown closes the connections only once these messages have gone out. */
  private track(sending: Promise<void>): void {
    this.sending.add(sending);
    void sending.finally(() => this.sending.delete(sending));
  }

  /** Whichever worker runs this job (if any) aborts it: nobody will read its result. */
  private async tellWorkersToAbort(jobId: string, reason: string | undefined): Promise<void> {
    const request: AbortRequest = { jobId, reason };
    await this.commands.publish(abortChannel(this.options.prefix, this.options.queue), JSON.stringify(request));
  }

  /** Settles a task from outside BullMQ's events (lost worker, lost Redis, failed add). */
  private failTask(jobId: string, error: unknown): void {
    const task = this.inRedis.get(jobId) ?? this.waiting.get(jobId);
    if (task === undefined) return;
    this.forget(task);
    this.waiting.delete(jobId);
    const settled = error instanceof Error ? error : new RedisJobLost(String(error));
    // A worker may still run it (its job lost from Redis, or given up on): it should stop, not finish for nobody.
    if (task.sent) this.track(this.tellWorkersToAbort(jobId, describeReason(settled)).catch(() => {}));
    task.future.setException(settled);
  }

  private forget(task: DistributedTask): void {
    if (this.inRedis.delete(task.jobId)) this.scheduleFlush();
  }

  // ---- closing -----------------------------------------------------------------------

  private left(jobId: string): void {
    if (!this.leaving.delete(jobId) || this.leaving.size > 0) return;
    const waiters = this.leavingWaiters;
    this.leavingWaiters = [];
    for (const wake of waiters) wake();
  }

  private allLeft(): Promise<void> {
    if (this.leaving.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.leavingWaiters.push(resolve));
  }

  private notifyIfIdle(): void {
    if (this.waiting.size > 0 || this.inRedis.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  private whenIdle(): Promise<void> {
    if (this.waiting.size === 0 && this.inRedis.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Never rejects: with wait: false nobody would hear it. */
  private async closeWhenIdle(): Promise<void> {
    await this.whenIdle();
    this.fleet.stop();
    const tidied = (async () => {
      await this.ready.catch(() => {});
      await Promise.allSettled(this.sending);
      // Aborted jobs end with a reply; a worker that died meanwhile never sends one, hence the bound.
      await settlesWithin(this.allLeft(), this.leaveTimeoutMs);
      await this.removeQueueIfEmpty().catch(() => {});
      await Promise.allSettled([this.events?.close(), this.queue.close()]);
      await this.commands.quit().catch(() => {});
    })();
    // Every step waits for Redis (maxRetriesPerRequest: null): with Redis gone, shutdown gives up instead.
    const bound = this.leaving.size === 0 ? UNREACHABLE_GRACE_MS : this.leaveTimeoutMs === undefined ? undefined : this.leaveTimeoutMs + UNREACHABLE_GRACE_MS;
    if (await settlesWithin(tidied, bound)) return;
    this.commands.disconnect();
    // close() marks them closing (QueueEvents' read loop retries forever otherwise) and disconnects first;
    // its QUIT then waits for a Redis that is gone, so it is not awaited.
    void Promise.allSettled([this.events?.close(), this.queue.close()]);
    await Promise.allSettled([this.events?.disconnect(), this.queue.disconnect()]);
  }

  /** No job of anyone left (waiting, running, delayed, finished): the queue's own keys go too, so Redis is as before. */
  private async removeQueueIfEmpty(): Promise<void> {
    const counts = await this.queue.getJobCounts();
    if (Object.values(counts).some((count) => count > 0)) return;
    await this.queue.obliterate({ force: false });
  }
}

function describeReason(reason: unknown): string | undefined {
  if (reason === undefined) return undefined;
  return reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
}
