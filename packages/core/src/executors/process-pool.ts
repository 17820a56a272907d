/**
 * ProcessPoolExecutor: runs fnRef tasks in tinypool child processes
 * (`runtime: 'child_process'`), with concurrent.futures.ProcessPoolExecutor's
 * semantics.
 *
 * tinypool spawns, pipes and replaces the children; tasks travel on our own
 * lane of each child's IPC pipe (@requests-futures/worker's protocol.ts),
 * because tinypool's per-task path cost more than a small request (see
 * docs/architecture.md). The coordinator keeps its own FIFO and sends a task
 * only when a child has a free slot (`concurrencyPerWorker`), so a queued task
 * can still be cancelled and never reaches a child. It knows which child holds
 * each task, so a running task is aborted by a message to that child: the
 * child survives and its other tasks carry on.
 *
 * Failure handling:
 * - a child that dies fails exactly the tasks it had announced as started,
 *   with BrokenProcessPool naming its pid and exit code or signal; tinypool
 *   spawns a replacement and the pool stays usable;
 * - tasks sent to a dead child but not announced (even after its pipe drained)
 *   never ran: they go back to the front of the queue (a few times at most,
 *   then BrokenProcessPool);
 * - children that spend their `maxTasksPerChild`/`maxMemoryPerChildMb` budget
 *   retire gracefully (see @requests-futures/worker's retirement.ts): they
 *   decline new tasks, which go elsewhere, and exit once their tasks replied.
 *
 * Why not tinypool's `signal`: it pins a worker per task and kills the child on abort.
 */
import type { ChildProcess } from 'node:child_process';
import type { Tinypool } from 'tinypool';
import { PicklingError, decode, encode, isFnRef, type FnRef, type Wire } from '@requests-futures/serializer';
import {
  isChildMessage,
  type ChildEvent,
  type ControlMessage,
  type TaskMessage,
  type TaskPayload,
  type TaskReply,
} from '@requests-futures/worker';
import { Future } from '../futures/future.js';
import { reportCallbackError } from '../futures/report-callback-error.js';
import { adoptWire } from './adopt-wire.js';
import { BrokenProcessPool, type ChildExit } from './broken-process-pool.js';
import { createChildPool } from './child-pool.js';
import { ChildSlot } from './child-slot.js';
import { DispatchQueue, type QueueEntry } from './dispatch-queue.js';
import { ExecutorDrain, type DrainOptions, type DrainReport } from './drain.js';
import { ExecutorShutdownError } from './errors.js';
import { EventLoopHold } from './event-loop-hold.js';
import { ExecutorMonitor, type ExecutorListener, type ExecutorEventName, type ExecutorStats, type ObservableExecutor } from './events.js';
import type { Executor, MapOptions, ShutdownOptions, Task } from './executor.js';
import { mapLazily } from './map-lazily.js';
import { resolveProcessPoolOptions, type ProcessPoolExecutorOptions, type ResolvedProcessPoolOptions } from './process-pool-options.js';
import { isClosedChannel } from './closed-channel.js';
import { WorkerTracker, childPids } from './worker-tracker.js';

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
  /** The child it was sent to (undefined: in the coordinator's queue). */
  slot: ChildSlot<PoolTask> | undefined;
  /** That child announced the task: it may have had effects, so it never runs elsewhere. */
  started: boolean;
  /** Children that died holding this task before it started (retirements not counted). */
  lostBeforeStart: number;
}

/** A task may meet this many dying children before it starts; then it fails (a child that cannot start is a broken pool). */
const MAX_LOSSES_BEFORE_START = 2;

export class ProcessPoolExecutor implements Executor, ObservableExecutor {
  readonly maxWorkers: number;
  readonly concurrencyPerWorker: number;
  readonly crossesProcesses = true;

  private readonly options: ResolvedProcessPoolOptions;
  private readonly queue = new DispatchQueue<PoolTask>();
  /** Sent to a child and not settled, by task id. */
  private readonly inFlight = new Map<number, PoolTask>();
  /** Every child not yet known to be gone, by pid (children of retired pools too, until they exit). */
  private readonly slots = new Map<number, ChildSlot<PoolTask>>();
  private readonly tracker = new WorkerTracker({
    onChild: (pid, child) => this.addSlot(pid, child),
    onExit: (exit) => this.onChildExit(exit),
    onMessage: (pid, message) => this.onChildMessage(pid, message),
  });
  /** stats() and on(): this executor's own account of its tasks. */
  private readonly monitor = new ExecutorMonitor('ProcessPoolExecutor');
  private readonly drainer = new ExecutorDrain({
    monitor: this.monitor,
    shutdown: (options) => this.shutdown(options),
    forceStop: () => ({ killed: this.killChildren() }),
  });
  private readonly lostListeners = new Set<TaskLostListener>();
  private readonly hold = new EventLoopHold();
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
   * Spawns the children now instead of on the first submit, so that their
   * start-up (about 0.1 s each) overlaps whatever the caller does before it
   * has a task (e.g. reading its input). Does nothing if they already run.
   * @throws ExecutorShutdownError after shutdown()
   */
  prestart(): void {
    if (this.isShutdown) throw new ExecutorShutdownError();
    if (this.pool === undefined) this.startPool();
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
    // A child skips progress reports nobody would hear: one IPC event per response otherwise.
    const message: TaskMessage = this.monitor.wantsBytes ? { id, payload: wire, progress: true } : { id, payload: wire };
    const task: PoolTask = { id, future, message, entry: undefined, slot: undefined, started: false, lostBeforeStart: 0 };
    task.entry = this.queue.push(task);
    future.onAbort((reason) => this.abortRunning(task, reason));
    future.addDoneCallback(() => this.onFutureDone(task));
    this.monitor.queued(future);
    this.hold.hold();
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

  /**
   * Receives the progress tasks report from their children (`currentTask().progress(bytes)`);
   * returns the unsubscribe. Same as on('bytes'). Tasks submitted while nobody listens
   * skip their reports, so subscribe before submitting.
   */
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

  /** Hands queued tasks to children with free slots: one 'run' message per child, however many tasks. */
  private pump(): void {
    let batches: Map<ChildSlot<PoolTask>, TaskMessage[]> | undefined;
    while (this.queue.size > 0) {
      const slot = this.freeSlot();
      if (slot === undefined) break;
      const task = this.queue.shift()!;
      task.entry = undefined;
      // A re-queued task is already running (its future says so); a fresh one may have been cancelled.
      const runnable = task.future.running() || task.future.setRunningOrNotifyCancel();
      if (!runnable) continue;
      this.monitor.running(task.future);
      this.place(task, slot);
      batches ??= new Map();
      const batch = batches.get(slot);
      if (batch === undefined) batches.set(slot, [task.message]);
      else batch.push(task.message);
    }
    if (batches !== undefined) for (const [slot, tasks] of batches) slot.send({ __rf: 'run', tasks });
    this.notifyIfIdle();
  }

  /**
   * The least busy child that takes work. A child still starting counts: its
   * tasks wait in its slot until its lane listens. Without any child, the pool
   * is (re)built now.
   */
  private freeSlot(): ChildSlot<PoolTask> | undefined {
    let best: ChildSlot<PoolTask> | undefined;
    for (const slot of this.slots.values()) {
      if (!slot.accepting || slot.tasks.size >= this.concurrencyPerWorker) continue;
      if (best === undefined || slot.tasks.size < best.tasks.size) best = slot;
    }
    if (best !== undefined || this.pool !== undefined) return best;
    this.startPool();
    for (const slot of this.slots.values()) if (slot.accepting) return slot;
    return undefined;
  }

  private startPool(): void {
    this.clearIdleTimer();
    const pool = createChildPool(this.options);
    this.pool = pool;
    // Every child death is reported here (no tinypool task ever runs); unheard, it would be an uncaught exception.
    pool.on('error', () => this.tracker.learn(pool.threads));
    this.tracker.learn(pool.threads);
  }

  private addSlot(pid: number, child: ChildProcess): void {
    const slot: ChildSlot<PoolTask> = new ChildSlot(pid, child, (message, error) => this.onSendFailure(slot, message, error));
    this.slots.set(pid, slot);
  }

  private place(task: PoolTask, slot: ChildSlot<PoolTask>): void {
    task.slot = slot;
    task.started = false;
    slot.tasks.add(task);
    this.inFlight.set(task.id, task);
  }

  /** The task no longer holds a slot. */
  private release(task: PoolTask): void {
    this.inFlight.delete(task.id);
    const slot = task.slot;
    if (slot === undefined) return;
    slot.tasks.delete(task);
    task.slot = undefined;
    this.stopIfRetired(slot);
  }

  /** Declined, or lost with a child before starting: back to the front, in their order. */
  private requeueAtFront(tasks: readonly PoolTask[]): void {
    for (let i = tasks.length - 1; i >= 0; i--) {
      const task = tasks[i]!;
      if (!task.future.done()) task.entry = this.queue.unshift(task);
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

  // ---- what children say -----------------------------------------------------

  private onChildMessage(pid: number, message: unknown): void {
    // Anything else is a task's own process.send(): not ours to interpret.
    if (!isChildMessage(message)) return;
    const slot = this.slots.get(pid);
    if (slot === undefined) return;
    if (message.__rf === 'ready') {
      slot.markReady();
      return;
    }
    const declined: PoolTask[] = [];
    for (const event of message.events) this.handleEvent(slot, event, declined);
    this.requeueAtFront(declined);
    this.stopIfRetired(slot);
    this.pump();
  }

  private handleEvent(slot: ChildSlot<PoolTask>, event: ChildEvent, declined: PoolTask[]): void {
    if (event.type === 'retiring') {
      slot.retiring = true;
      return;
    }
    const task = this.inFlight.get(event.id);
    // A task settled meanwhile (its child was judged lost) or sent elsewhere since.
    if (task === undefined || task.slot !== slot) return;
    switch (event.type) {
      case 'started':
        task.started = true;
        return;
      case 'progress':
        // The monitor shields this loop from a throwing listener.
        this.monitor.bytes(task.future, event.bytes);
        return;
      case 'reply':
        this.release(task);
        this.settleReply(task, event.reply);
        return;
      case 'declined':
        this.release(task);
        declined.push(task);
        return;
    }
  }

  private settleReply(task: PoolTask, reply: TaskReply): void {
    if (reply.ok) this.settle(task, () => task.future.setResult(decode(adoptWire(reply.value))));
    else this.settle(task, () => task.future.setException(decode(adoptWire(reply.error))));
  }

  /** Runs `apply` (which settles the future; the monitor counts it); a reply that cannot be decoded fails the future. */
  private settle(task: PoolTask, apply: () => boolean): void {
    try {
      apply();
    } catch (decodeError) {
      task.future.setException(decodeError);
    }
  }

  /** A write that failed for another reason than the child going away: the tasks it carried never left. */
  private onSendFailure(slot: ChildSlot<PoolTask>, message: ControlMessage, error: unknown): void {
    if (isClosedChannel(error) || message.__rf !== 'run') return;
    for (const { id } of message.tasks) {
      const task = this.inFlight.get(id);
      if (task === undefined || task.slot !== slot || task.started) continue;
      this.release(task);
      this.settle(task, () => task.future.setException(error));
    }
    this.pump();
  }

  private abortRunning(task: PoolTask, reason: unknown): void {
    // Messages to a child keep their order: an abort never overtakes the task it names.
    // (A re-queued task has no child: onFutureDone drops it from the queue.)
    task.slot?.send({ __rf: 'abort', id: task.id, reason: encodeReason(reason) });
  }

  /** A retiring child is stopped once every task it started has replied (the ones it declined go elsewhere). */
  private stopIfRetired(slot: ChildSlot<PoolTask>): void {
    if (!slot.retiring || slot.closed) return;
    for (const task of slot.tasks) if (task.started) return;
    slot.closed = true;
    slot.send({ __rf: 'exit' });
  }

  // ---- children that go away -----------------------------------------------------

  private onChildExit(exit: ChildExit): void {
    const pool = this.pool;
    if (pool !== undefined) {
      // tinypool spawned the replacement inside this same 'exit' event.
      this.tracker.learn(pool.threads);
      // tinypool stops replacing children once one died while starting, and spawns only
      // inside run(), which we never call: a pool without children is done for.
      if (pool.threads.length === 0) this.retirePool(pool);
    }
    const slot = this.slots.get(exit.pid);
    if (slot === undefined) return;
    slot.closed = true;
    this.settleLostChild(slot, exit).catch((bug: unknown) => {
      for (const task of [...slot.tasks]) {
        this.release(task);
        task.future.setException(bug);
      }
    });
  }

  /**
   * Settles what a dead child held, once its last messages (a late 'started', a
   * reply) have been delivered: started tasks fail with BrokenProcessPool, the
   * others never ran and go back to the queue.
   */
  private async settleLostChild(slot: ChildSlot<PoolTask>, exit: ChildExit): Promise<void> {
    await this.tracker.drained(slot.pid);
    this.slots.delete(slot.pid);
    const retry: PoolTask[] = [];
    const broken: Array<[PoolTask, BrokenProcessPool]> = [];
    for (const task of [...slot.tasks]) {
      const verdict = judgeLoss(task, slot, exit);
      if (verdict === 'retry') {
        this.release(task);
        retry.push(task);
      } else {
        broken.push([task, verdict]);
      }
    }
    this.requeueAtFront(retry);
    this.pump();
    // A task keeps its slot while its submitter cleans up, so shutdown waits for that too.
    await Promise.all(
      broken.map(async ([task, error]) => {
        if (task.started) await this.tellTaskLost(task, error);
        this.release(task);
        this.settle(task, () => task.future.setException(error));
      }),
    );
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

  private retirePool(pool: Tinypool): void {
    if (this.pool === pool) this.pool = undefined;
    for (const pid of childPids(pool.threads)) {
      const slot = this.slots.get(pid);
      if (slot !== undefined) slot.closed = true;
    }
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
    this.hold.release();
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
    for (const slot of this.slots.values()) slot.closed = true;
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

/** What a dead child's task becomes: started tasks break, the others are retried a few times. */
function judgeLoss(task: PoolTask, slot: ChildSlot<PoolTask>, exit: ChildExit): BrokenProcessPool | 'retry' {
  if (task.started) return BrokenProcessPool.whileRunning(exit);
  // A retiring child's exit is no failure: what it held unstarted simply goes elsewhere.
  if (slot.retiring) return 'retry';
  task.lostBeforeStart += 1;
  if (task.lostBeforeStart <= MAX_LOSSES_BEFORE_START) return 'retry';
  return BrokenProcessPool.beforeStart(task.lostBeforeStart, exit);
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
