/**
 * ProcessPoolExecutor: runs fnRef tasks in tinypool child processes
 * (`runtime: 'child_process'`), with concurrent.futures.ProcessPoolExecutor's
 * semantics.
 *
 * The coordinator keeps its own FIFO and hands a task to tinypool only when one
 * of the `maxWorkers × concurrencyPerWorker` slots is free, so a queued task
 * can still be cancelled and never reaches a child. A running task is aborted
 * by a control message to the child running it (learned from the child's
 * 'started' message): the child survives and its other tasks carry on.
 *
 * Failure handling:
 * - a child that dies fails exactly the tasks it had started, with
 *   BrokenProcessPool naming its pid and exit code or signal; tinypool spawns
 *   a replacement and the pool stays usable;
 * - tasks that had reached the dead child but not started (no 'started'
 *   message, even after its pipe drained) have not run: they go back to the
 *   front of the queue (a few times at most, then BrokenProcessPool);
 * - children that spend their `maxTasksPerChild`/`maxMemoryPerChildMb` budget
 *   retire gracefully (see @requests-futures/worker's retirement.ts).
 *
 * Why not tinypool's `signal`: it pins a worker per task and kills the child on abort.
 */
import type { Tinypool, TinypoolChannel } from 'tinypool';
import { PicklingError, decode, encode, isFnRef, type FnRef, type Wire } from '@requests-futures/serializer';
import {
  isChildMessage,
  type ChildMessage,
  type ControlMessage,
  type TaskMessage,
  type TaskPayload,
  type TaskReply,
} from '@requests-futures/worker';
import { Future } from '../futures/future.js';
import { reportCallbackError } from '../futures/report-callback-error.js';
import { adoptWire } from './adopt-wire.js';
import { BrokenProcessPool } from './broken-process-pool.js';
import { createChildPool } from './child-pool.js';
import { DispatchQueue, type QueueEntry } from './dispatch-queue.js';
import { ExecutorDrain, type DrainOptions, type DrainReport } from './drain.js';
import { ExecutorShutdownError } from './errors.js';
import { ExecutorMonitor, type ExecutorListener, type ExecutorEventName, type ExecutorStats, type ObservableExecutor } from './events.js';
import type { Executor, MapOptions, ShutdownOptions, Task } from './executor.js';
import { mapLazily } from './map-lazily.js';
import { resolveProcessPoolOptions, type ProcessPoolExecutorOptions, type ResolvedProcessPoolOptions } from './process-pool-options.js';
import { asError, isChildLoss } from './tinypool-rejection.js';
import { WorkerTracker } from './worker-tracker.js';

export type { ProcessPoolExecutorOptions } from './process-pool-options.js';

/** The same counters as every executor's (events.ts); `running` counts tasks handed to a child (or re-queued after their child died before starting them). */
export type ProcessPoolStats = ExecutorStats;

/** Called with the `bytes` a task reported through its task context's `progress()`. */
export type TaskProgressListener = (future: Future<unknown>, bytes: number) => void;

/**
 * Called when the child running a task died, before the task's future fails
 * with `error`; the future settles once the listener's promise does. A killed
 * child cleans nothing up: this is where its submitter can (e.g. a half-written file).
 */
export type TaskLostListener = (future: Future<unknown>, error: BrokenProcessPool) => void | Promise<void>;

interface PoolTask {
  readonly id: number;
  readonly future: Future<any>;
  readonly message: TaskMessage;
  /** Set while the task waits in the dispatch queue. */
  entry: QueueEntry<PoolTask> | undefined;
  /** The child that announced it started the task (undefined: not started yet). */
  pid: number | undefined;
  /** abort() came before the child announced the task; delivered on 'started'. */
  pendingAbort: { reason: unknown } | undefined;
  /** Children that died holding this task before it started (retirements not counted). */
  lostBeforeStart: number;
}

/** A task may meet this many dying children before it starts; then it fails (a child that cannot start is a broken pool). */
const MAX_LOSSES_BEFORE_START = 2;
/** How many retired pids to remember: only the rejections that follow their exit need them. */
const REMEMBERED_RETIREMENTS = 64;

export class ProcessPoolExecutor implements Executor, ObservableExecutor {
  readonly maxWorkers: number;
  readonly concurrencyPerWorker: number;
  readonly crossesProcesses = true;

  private readonly options: ResolvedProcessPoolOptions;
  private readonly queue = new DispatchQueue<PoolTask>();
  /** Handed to tinypool, by task id, until run() settles. */
  private readonly inFlight = new Map<number, PoolTask>();
  /** Started tasks not yet settled, per child pid (to stop a retiring child only when it is idle). */
  private readonly startedOn = new Map<number, Set<PoolTask>>();
  /** Children that announced their retirement; their exit is not a failure. */
  private readonly retiring = new Set<number>();
  private readonly tracker = new WorkerTracker(() => this.onChildExit());
  /** One channel for every task: tinypool keeps only the last task's channel per child. No onMessage on purpose (tinypool would add a listener per task). */
  private readonly channel: TinypoolChannel = { postMessage: (message: unknown) => this.onChildMessage(message) };
  /** stats() and on(): this executor's own account of its tasks. */
  private readonly monitor = new ExecutorMonitor('ProcessPoolExecutor');
  private readonly drainer = new ExecutorDrain({
    monitor: this.monitor,
    shutdown: (options) => this.shutdown(options),
    forceStop: () => ({ killed: this.killChildren() }),
  });
  private readonly lostListeners = new Set<TaskLostListener>();
  private pool: Tinypool | undefined;
  /** Pools retired (idle timeout, no child left), still terminating their children. */
  private readonly closingPools = new Set<Promise<void>>();
  private idleTimer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];
  private nextTaskId = 1;
  private pumpScheduled = false;
  private isShutdown = false;
  private closed: Promise<void> | undefined;

  constructor(options: ProcessPoolExecutorOptions = {}) {
    this.options = resolveProcessPoolOptions(options);
    this.maxWorkers = this.options.maxWorkers;
    this.concurrencyPerWorker = this.options.concurrencyPerWorker;
  }

  /** Tasks in children at once: every slot of every child. */
  get capacity(): number {
    return this.maxWorkers * this.concurrencyPerWorker;
  }

  /**
   * Schedules `fn(...args)` in a child and returns its future at once.
   * Everything is checked and encoded now, synchronously: nothing is sent for a
   * task that could not travel.
   * @throws ExecutorShutdownError after shutdown(); PicklingError for a plain
   *   function (path 'fn') or an argument that cannot travel (e.g. 'args[0].cb');
   *   TypeError for anything else that is not an fnRef.
   */
  submit<R = unknown>(fn: Task<any[], R>, ...args: unknown[]): Future<Awaited<R>> {
    if (this.isShutdown) throw new ExecutorShutdownError();
    const ref = requireFnRef(fn);
    const payload: TaskPayload = { fn: ref, args };
    // rootPath '' makes the paths read 'args[0].cb', as the caller wrote them.
    const wire = encode(payload, { rootPath: '' });
    const id = this.nextTaskId++;
    const future = new Future<Awaited<R>>();
    const task: PoolTask = { id, future, message: { id, payload: wire }, entry: undefined, pid: undefined, pendingAbort: undefined, lostBeforeStart: 0 };
    task.entry = this.queue.push(task);
    future.onAbort((reason) => this.abortRunning(task, reason));
    future.addDoneCallback(() => this.onFutureDone(task));
    this.monitor.queued(future);
    this.schedulePump();
    return future;
  }

  /**
   * `fn(item)` in the children for each item, results in input order, with at
   * most `window` (default 2 × capacity) tasks submitted ahead of the consumer.
   */
  map<T, R>(fn: Task<[T], R>, iterable: Iterable<T> | AsyncIterable<T>, options: MapOptions = {}): AsyncIterable<Awaited<R>> {
    if (this.isShutdown) throw new ExecutorShutdownError();
    requireFnRef(fn);
    return mapLazily((item: T) => this.submit<R>(fn, item), iterable, {
      timeout: options.timeout,
      window: options.window ?? 2 * this.capacity,
    });
  }

  /**
   * Stops accepting tasks (idempotent). `cancelFutures` cancels the queued
   * ones; `abort` aborts the running ones (their children are told, their
   * futures settle as cancelled). Once nothing is queued or running, the pool
   * is destroyed and every child process has exited; `wait` (default true)
   * waits for that, otherwise it happens in the background.
   */
  async shutdown({ wait = true, cancelFutures = false, abort = false }: ShutdownOptions = {}): Promise<void> {
    this.isShutdown = true;
    if (cancelFutures) {
      // Re-queued tasks already run (cancel() refuses them); abort handles those.
      for (const task of this.queue.values()) task.future.cancel();
    }
    if (abort) {
      const reason = new ExecutorShutdownError('executor shut down with abort: true');
      for (const task of [...this.inFlight.values(), ...this.queue.values()]) {
        if (task.future.running()) task.future.abort(reason);
      }
    }
    this.closed ??= this.closeWhenIdle();
    this.notifyIfIdle();
    if (wait) await this.closed;
  }

  /**
   * Graceful, time-bounded shutdown for services (see drain.ts): queued tasks
   * are cancelled at once, running ones get until `deadline` seconds, then are
   * aborted; resolves once every child process has exited.
   */
  drain(options?: DrainOptions): Promise<DrainReport> {
    return this.drainer.start(options);
  }

  stats(): ProcessPoolStats {
    return this.monitor.stats(this.tracker.livePids());
  }

  /** Subscribes to this executor's task events (events.ts); returns the unsubscribe. */
  on<E extends ExecutorEventName>(event: E, listener: ExecutorListener<E>): () => void {
    return this.monitor.on(event, listener);
  }

  off<E extends ExecutorEventName>(event: E, listener: ExecutorListener<E>): void {
    this.monitor.off(event, listener);
  }

  /** Receives the progress tasks report from their children (`currentTask().progress(bytes)`); returns the unsubscribe. Same as on('bytes'). */
  onTaskProgress(listener: TaskProgressListener): () => void {
    return this.on('bytes', listener);
  }

  /** Hears of every task whose child died while running it, before its future fails; returns the unsubscribe. */
  onTaskLost(listener: TaskLostListener): () => void {
    this.lostListeners.add(listener);
    return () => void this.lostListeners.delete(listener);
  }

  // ---- dispatch ------------------------------------------------------------

  /** One pump per microtask, however many submits came in the same tick (and cancel() right after submit wins). */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight.size < this.capacity) {
      const task = this.queue.shift();
      if (task === undefined) break;
      task.entry = undefined;
      // A re-queued task is already running (its future says so); a fresh one may have been cancelled.
      const runnable = task.future.running() || task.future.setRunningOrNotifyCancel();
      if (runnable) {
        this.monitor.running(task.future);
        this.dispatch(task);
      }
    }
    this.notifyIfIdle();
  }

  private dispatch(task: PoolTask): void {
    this.clearIdleTimer();
    const pool = (this.pool ??= this.createPool());
    this.inFlight.set(task.id, task);
    task.pid = undefined;
    pool.run(task.message, { channel: this.channel }).then(
      (reply: TaskReply) => this.onReply(task, reply),
      (error: unknown) =>
        this.onRunRejected(task, error).catch((bug: unknown) => {
          this.inFlight.delete(task.id);
          task.future.setException(bug);
        }),
    );
    // run() may have spawned a child synchronously.
    this.tracker.learn(pool.threads);
  }

  private createPool(): Tinypool {
    const pool = createChildPool(this.options);
    // An idle child's death is reported here; unheard, it would be an uncaught exception.
    pool.on('error', () => this.tracker.learn(pool.threads));
    this.tracker.learn(pool.threads);
    return pool;
  }

  // ---- replies and failures --------------------------------------------------

  private onReply(task: PoolTask, reply: TaskReply): void {
    this.release(task);
    if (reply.ok) this.settle(task, () => task.future.setResult(decode(adoptWire(reply.value))));
    else this.settle(task, () => task.future.setException(decode(adoptWire(reply.error))));
    this.pump();
  }

  /** Runs `apply` (which settles the future; the monitor counts it); a reply that cannot be decoded fails the future. */
  private settle(task: PoolTask, apply: () => boolean): void {
    try {
      apply();
    } catch (decodeError) {
      task.future.setException(decodeError);
    }
  }

  private async onRunRejected(task: PoolTask, error: unknown): Promise<void> {
    if (isLostChild(error)) {
      // The child's last messages may still be in its pipe: a late 'started' changes the verdict.
      const suspect = task.pid ?? this.tracker.lastExit?.pid;
      if (suspect !== undefined) await this.tracker.drained(suspect);
    }
    const verdict = this.judgeRejection(task, error);
    // The task keeps its slot while its submitter cleans up, so shutdown waits for that too.
    if (verdict instanceof BrokenProcessPool && task.pid !== undefined) await this.tellTaskLost(task, verdict);
    this.release(task);
    if (verdict === 'retry') {
      if (!task.future.done()) task.entry = this.queue.unshift(task);
    } else {
      this.settle(task, () => task.future.setException(verdict));
    }
    this.pump();
  }

  private async tellTaskLost(task: PoolTask, error: BrokenProcessPool): Promise<void> {
    const told = [...this.lostListeners].map(async (listener) => {
      try {
        await listener(task.future, error);
      } catch (failure) {
        // A listener is user code: its failure must not change the task's verdict.
        reportCallbackError(failure, 'a ProcessPoolExecutor task-lost listener');
      }
    });
    await Promise.all(told);
  }

  private judgeRejection(task: PoolTask, error: unknown): Error | 'retry' {
    if (!isLostChild(error)) return asError(error);
    if (task.pid !== undefined) {
      const exit = this.tracker.exitOf(task.pid) ?? { pid: task.pid, code: null, signal: null };
      return BrokenProcessPool.whileRunning(exit, error);
    }
    const exit = this.tracker.lastExit;
    if (exit !== undefined && this.retiring.has(exit.pid)) return 'retry';
    task.lostBeforeStart += 1;
    if (task.lostBeforeStart <= MAX_LOSSES_BEFORE_START) return 'retry';
    return BrokenProcessPool.beforeStart(task.lostBeforeStart, exit, error);
  }

  /** The task no longer holds a slot. */
  private release(task: PoolTask): void {
    this.inFlight.delete(task.id);
    if (task.pid === undefined) return;
    const started = this.startedOn.get(task.pid);
    if (!started) return;
    started.delete(task);
    if (started.size === 0) {
      this.startedOn.delete(task.pid);
      this.stopIfRetired(task.pid);
    }
  }

  private onFutureDone(task: PoolTask): void {
    // Cancelled while queued, or aborted while waiting to be re-dispatched: it must not reach a child.
    if (task.entry !== undefined) {
      this.queue.remove(task.entry);
      task.entry = undefined;
    }
    this.notifyIfIdle();
  }

  // ---- the control lane ------------------------------------------------------

  private onChildMessage(message: unknown): void {
    // Anything else is a task's own process.send(): not ours to interpret.
    if (!isChildMessage(message)) return;
    this.handleChildMessage(message);
  }

  private handleChildMessage(message: ChildMessage): void {
    switch (message.__rf) {
      case 'started': {
        const task = this.inFlight.get(message.id);
        if (task === undefined) return;
        task.pid = message.pid;
        let started = this.startedOn.get(message.pid);
        if (!started) this.startedOn.set(message.pid, (started = new Set()));
        started.add(task);
        if (this.tracker.child(message.pid) === undefined && this.pool) this.tracker.learn(this.pool.threads);
        if (task.pendingAbort) this.sendAbort(task, task.pendingAbort.reason);
        return;
      }
      case 'progress': {
        const task = this.inFlight.get(message.id);
        if (task === undefined) return;
        // The monitor shields the channel every task shares from a throwing listener.
        this.monitor.bytes(task.future, message.bytes);
        return;
      }
      case 'retiring': {
        this.retiring.add(message.pid);
        if (this.retiring.size > REMEMBERED_RETIREMENTS) this.retiring.delete(this.retiring.values().next().value as number);
        if (!this.startedOn.has(message.pid)) this.stopIfRetired(message.pid);
        return;
      }
    }
  }

  private abortRunning(task: PoolTask, reason: unknown): void {
    if (task.pid !== undefined) this.sendAbort(task, reason);
    // Not announced yet: tell the child as soon as it does. (A re-queued task is dropped by onFutureDone.)
    else task.pendingAbort = { reason };
  }

  private sendAbort(task: PoolTask, reason: unknown): void {
    if (task.pid === undefined) return;
    this.sendControl(task.pid, { __rf: 'abort', id: task.id, reason: encodeReason(reason) });
  }

  /** A retiring child is stopped once every task it started has replied (the ones it holds unstarted are re-dispatched). */
  private stopIfRetired(pid: number): void {
    if (this.retiring.has(pid) && !this.startedOn.has(pid)) this.sendControl(pid, { __rf: 'exit' });
  }

  private sendControl(pid: number, message: ControlMessage): void {
    // The callback swallows a closed channel: the child is gone and its exit is handled elsewhere.
    this.tracker.child(pid)?.send(message, () => {});
  }

  private onChildExit(): void {
    const pool = this.pool;
    if (pool === undefined) return;
    // tinypool spawned the replacement inside this same 'exit' event. The tasks the dead
    // child held are settled by their rejections, which follow this event.
    this.tracker.learn(pool.threads);
    // Once a child died while starting, tinypool stops replacing children and spawns only
    // inside run(): tasks left in its queue with no child left would wait forever.
    // Destroying the pool hands them back (rejected, never started) for a fresh pool.
    if (pool.threads.length === 0 && this.inFlight.size > 0) this.retirePool(pool);
  }

  private retirePool(pool: Tinypool): void {
    if (this.pool === pool) this.pool = undefined;
    const closing: Promise<void> = pool
      .destroy()
      .catch(() => {})
      .finally(() => this.closingPools.delete(closing));
    this.closingPools.add(closing);
  }

  // ---- idleness, idle timeout, shutdown -------------------------------------------

  private isIdle(): boolean {
    return this.queue.size === 0 && this.inFlight.size === 0 && !this.pumpScheduled;
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    this.startIdleTimer();
  }

  private whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** idleTimeout retires the whole pool; the next task builds a fresh one (whose children all start ready). */
  private startIdleTimer(): void {
    const { idleTimeout } = this.options;
    if (idleTimeout === undefined || this.pool === undefined || this.isShutdown || this.idleTimer !== undefined) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.isIdle() && this.pool !== undefined) this.retirePool(this.pool);
    }, idleTimeout);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer === undefined) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /**
   * drain()'s last resort, once aborted tasks overstayed the grace: their children
   * are killed, which releases their slots so closeWhenIdle can finish.
   */
  private killChildren(): number[] {
    const pids = this.tracker.livePids();
    for (const pid of pids) this.tracker.child(pid)?.kill('SIGKILL');
    return pids;
  }

  /** Never rejects: with wait: false nobody would be listening. */
  private async closeWhenIdle(): Promise<void> {
    await this.whenIdle();
    this.clearIdleTimer();
    // tinypool unrefs idle children: if nothing else keeps this process alive (a CLI awaiting
    // shutdown), Node would quit with exit code 13 before a slow child's exit is seen.
    for (const pid of this.tracker.livePids()) this.tracker.child(pid)?.ref();
    const pool = this.pool;
    this.pool = undefined;
    try {
      await pool?.destroy();
    } catch {
      // destroy() only rejects for a child that would not die; the kill below settles that.
    }
    await Promise.allSettled(this.closingPools);
    // Retired children are no longer in the pool; none may outlive the executor.
    for (const pid of this.tracker.livePids()) this.tracker.child(pid)?.kill('SIGTERM');
    await this.tracker.allExited();
  }
}

/**
 * Node's errors for a message sent to a child whose IPC channel had just
 * closed (the channel is gone, or its pipe has no reader any more).
 */
const CLOSED_CHANNEL_CODES = new Set(['ERR_IPC_CHANNEL_CLOSED', 'EPIPE', 'ECONNRESET']);

/**
 * A child went away under the task: it died, or tinypool posted the task to a
 * child whose channel had just closed (a retiring child exiting, a dying one)
 * and rejects with the send's error. (Our worker never rejects: it replies with
 * an envelope, so a send error here is always about the channel.)
 */
function isLostChild(error: unknown): boolean {
  if (isChildLoss(error)) return true;
  return typeof error === 'object' && error !== null && CLOSED_CHANNEL_CODES.has((error as { code?: unknown }).code as string);
}

function requireFnRef(fn: unknown): FnRef {
  if (isFnRef(fn)) return fn;
  if (typeof fn === 'function') throw new PicklingError('function', 'fn');
  throw new TypeError(`ProcessPoolExecutor: fn must be an fnRef(moduleUrl, exportName); got ${fn === null ? 'null' : typeof fn}`);
}

/** The reason travels when it can; otherwise the child aborts with its default AbortError. */
function encodeReason(reason: unknown): Wire | undefined {
  if (reason === undefined) return undefined;
  try {
    return encode(reason, { rootPath: 'reason' });
  } catch {
    return undefined;
  }
}
