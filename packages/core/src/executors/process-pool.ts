/**
 * ProcessPoolExecutor: runs fnRef tasks in child processes, with
 * concurrent.futures.ProcessPoolExecutor's semantics.
 *
 * Data flow (as CPython's concurrent/futures/process.py draws its own):
 *
 *   submit(fn, ...args)                        coordinator
 *     │ packCall(fn, args) → TaskMessage         (pool-task.ts: requireFnRef)
 *     ▼
 *   DispatchQueue (FIFO; cancel() still wins)   dispatch-queue.ts
 *     │ pump(): one microtask per tick; freeSlot(): an idle child, else a new
 *     │ one (up to maxWorkers), else the least busy
 *     ▼
 *   ChildSlot ('run' carries a batch)           child-slot.ts, slot-table.ts
 *     │
 *     ▼
 *   ChildHandle.send (waits for 'ready')        child-handle.ts ┐ the tinypool
 *     │                                         child-pool.ts   ┘ seam
 *   IPC pipe, our lane ──────────────────────── child process
 *     │                                          @requests-futures/worker entry.ts:
 *     │                                          decode, fn(...args), encode; sends
 *     │                                          'report' { started, progress, reply,
 *     ▼                                          declined, retiring } and 'alive'
 *   ChildListener.onMessage → onChildMessage    handleEvent
 *     │ decode(reply)
 *     ▼
 *   Future.setResult / setException
 *
 *   ChildListener.onExit → settleLostChild: judgeLoss (loss-verdict.ts) retries
 *   or fails its tasks, after the task-lost listeners (task-lost-listeners.ts).
 *   Silence while busy → LivenessWatch (liveness-watch.ts) SIGKILLs the child.
 *   shutdown({ abort }), terminateWorkers(), killWorkers(), drain() → signals
 *   from stop-children.ts; the exits then settle what the children held.
 *
 * tinypool spawns, pipes and replaces the children (child-pool.ts); tasks
 * travel on our own lane of each child's IPC pipe (@requests-futures/worker's
 * protocol.ts), because tinypool's per-task path cost more than a small
 * request (see docs/architecture.md). Children start on demand, as in CPython
 * 3.9+, so a large maxWorkers costs nothing until the load needs it;
 * prestart() starts them all. The coordinator keeps its own FIFO and sends a
 * task only when a child has a free slot (`concurrencyPerWorker`), so a queued
 * task can still be cancelled and never reaches a child. It knows which child
 * holds each task, so a running task is aborted by a message to that child:
 * the child survives and its other tasks carry on.
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
import { decode, fnRef, packCall } from '@requests-futures/serializer';
import {
  IncomingStreams,
  UploadSenders,
  isChildMessage,
  isStreamEvent,
  isUploadEvent,
  type ChildEvent,
  type ControlMessage,
  type TaskMessage,
  type PackedReply,
  type TaskReply,
} from '@requests-futures/worker';
import { Future, addDoneWaiter } from '../futures/future.js';
import { timeoutToMs } from '../futures/timeout.js';
import { BrokenProcessPool, type ChildExit } from './broken-process-pool.js';
import { ByteGrants } from './byte-grants.js';
import { ChildPool, type ChildHandle, type ChildListener } from './child-pool.js';
import { ChildSlot } from './child-slot.js';
import { DispatchQueue } from './dispatch-queue.js';
import { ExecutorDrain, type DrainOptions, type DrainReport } from './drain.js';
import { ExecutorShutdownError } from './errors.js';
import { Idleness, MicrotaskPump } from './idleness.js';
import { ExecutorMonitor, type ExecutorListener, type ExecutorEventName, type ExecutorStats, type ObservableExecutor } from './events.js';
import { DEFAULT_ABORT_GRACE_SECONDS, type Executor, type MapOptions, type ShutdownOptions, type Task } from './executor.js';
import { LivenessWatch } from './liveness-watch.js';
import { judgeLoss } from './loss-verdict.js';
import { encodeReason, requireFnRef, type PoolTask } from './pool-task.js';
import { chunked, unchunked } from './chunks.js';
import { isIterable, mapLazily } from './map-lazily.js';
import { resolveMapOptions } from './map-options.js';
import type { ChunkOutcome } from './run-chunk.js';
import { resolveProcessPoolOptions, type ProcessPoolExecutorOptions, type ResolvedProcessPoolOptions } from './process-pool-options.js';
import { isClosedChannel } from './closed-channel.js';
import { SlotTable } from './slot-table.js';
import { settlesWithin } from './settles-within.js';
import { killChildren, terminateChildren } from './stop-children.js';
import { TaskLostListeners, type TaskLostListener } from './task-lost-listeners.js';
import { TokenBucket } from './token-bucket.js';
import { WorkerTracker } from './worker-tracker.js';

export type { ProcessPoolExecutorOptions } from './process-pool-options.js';
export type { TaskLostListener } from './task-lost-listeners.js';

/** The same counters as every executor's (events.ts); `running` counts tasks handed to a child (or re-queued after their child died before starting them). */
export type ProcessPoolStats = ExecutorStats;

/** Called with the `bytes` a task reported through its task context's `progress()`, and the body's declared size when known. */
export type TaskProgressListener = (future: Future<unknown>, bytes: number, total?: number) => void;

/** What a child runs for a chunk of map()'s items. */
const RUN_CHUNK_REF = fnRef(new URL('./run-chunk.js', import.meta.url), 'runChunk');

export class ProcessPoolExecutor implements Executor, ObservableExecutor {
  readonly maxWorkers: number;
  readonly concurrencyPerWorker: number;
  readonly crossesProcesses = true;
  /** A streamed request body (a Readable, an async iterable, a Blob, an opened file) is pulled by the child from this process. */
  readonly streamsUploads = true;

  private readonly options: ResolvedProcessPoolOptions;
  private readonly queue = new DispatchQueue<PoolTask>();
  /** Which child holds which task. */
  private readonly table: SlotTable;
  /** Every child that may still run, whatever pool it came from. */
  private readonly tracker = new WorkerTracker();
  /** What the children of every pool say and do. */
  private readonly childListener: ChildListener = {
    onChild: (child) => this.addChild(child),
    onMessage: (child, message) => this.onChildMessage(child.pid, message),
    onExit: (_child, exit) => this.onChildExit(exit),
  };
  /** stats() and on(): this executor's own account of its tasks. */
  private readonly monitor = new ExecutorMonitor('ProcessPoolExecutor', true);
  private readonly drainer = new ExecutorDrain({
    monitor: this.monitor,
    shutdown: (options) => this.shutdown(options),
    forceStop: () => ({ killed: this.killAllChildren() }),
  });
  private readonly lostListeners = new TaskLostListeners();
  /** Bodies children stream to this process after a reply (stream: true), paced by credit. */
  private readonly bodies = new IncomingStreams(
    (pid, message) => this.table.slot(pid)?.send(message),
    (event) => decode(event.error),
  );
  /** Request bodies this process streams to children (`data` as a stream), paced by the children's credit. */
  private readonly uploads = new UploadSenders((pid, message) => this.table.slot(pid)?.send(message));
  /** Holds the event loop open while there is work; wakes shutdown when there is none; idleTimeout. */
  private readonly idleness: Idleness;
  /** Kills a busy child that stopped sending heartbeats (undefined: heartbeatTimeout Infinity). */
  private readonly liveness: LivenessWatch<ChildSlot<PoolTask>> | undefined;
  /** maxBytesPerSecond: the bucket every child's grants come from (undefined: no limit). */
  private readonly grants: ByteGrants | undefined;
  private pool: ChildPool | undefined;
  /** Pools retired (idle timeout, no child left), still terminating their children. */
  private readonly closingPools = new Set<Promise<void>>();
  private nextTaskId = 1;
  private readonly pumper = new MicrotaskPump(() => this.pump());
  private isShutdown = false;
  /** Set by terminateWorkers()/killWorkers(): nothing is dispatched or retried any more. */
  private forcedBy: 'terminateWorkers()' | 'killWorkers()' | undefined;
  private closed: Promise<void> | undefined;

  /** `new ProcessPoolExecutor(2)` is `new ProcessPoolExecutor({ maxWorkers: 2 })`, as Python's ProcessPoolExecutor(2). */
  constructor(options: ProcessPoolExecutorOptions | number = {}) {
    this.options = resolveProcessPoolOptions(options);
    this.maxWorkers = this.options.maxWorkers;
    this.concurrencyPerWorker = this.options.concurrencyPerWorker;
    this.table = new SlotTable(this.concurrencyPerWorker);
    this.idleness = new Idleness(
      {
        isIdle: () => this.queue.size === 0 && this.table.inFlightCount === 0 && !this.pumper.pending,
        // A child still streaming a body (stream: true) holds no task but must not be retired under its reader.
        mayRetire: () => this.pool !== undefined && !this.isShutdown && this.bodies.size === 0,
        retire: () => {
          if (this.pool !== undefined) this.retirePool(this.pool);
        },
      },
      this.options.idleTimeout,
    );
    const { heartbeatTimeoutMs, maxBytesPerSecond } = this.options;
    if (maxBytesPerSecond !== undefined) this.grants = new ByteGrants(new TokenBucket(maxBytesPerSecond));
    if (heartbeatTimeoutMs !== undefined) {
      this.liveness = new LivenessWatch(heartbeatTimeoutMs, () => this.table.allSlots(), (slot) => this.killUnresponsive(slot));
    }
  }

  /** Tasks in children at once: every slot of every child. */
  get capacity(): number {
    return this.maxWorkers * this.concurrencyPerWorker;
  }

  /**
   * Spawns all maxWorkers children now instead of as tasks need them, so that
   * their start-up (about 0.1 s each) overlaps whatever the caller does before
   * it has work (e.g. reading its input). Does nothing if they already run.
   * @throws ExecutorShutdownError after shutdown()
   */
  prestart(): void {
    if (this.isShutdown) throw new ExecutorShutdownError();
    const pool = this.pool ?? this.startPool();
    while (pool.size < this.maxWorkers) this.spawnChild(pool);
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
    // Packed: the pipe carries one text rather than a tree (the serializer's packed-wire.ts); the
    // FnRef's part made once (packed-call.ts). Paths read 'args[0].cb', as the caller wrote them.
    const wire = packCall(ref, args);
    const id = this.nextTaskId++;
    const future = new Future<Awaited<R>>();
    // A child skips progress reports nobody would hear: one IPC event per response otherwise.
    const message: TaskMessage = this.monitor.wantsBytes ? { id, payload: wire, progress: true } : { id, payload: wire };
    const task: PoolTask = { id, future, message, entry: undefined, slot: undefined, started: false, lostBeforeStart: 0 };
    task.entry = this.queue.push(task);
    future.onAbort((reason) => this.abortRunning(task, reason));
    // A done waiter, not a done callback: ours runs in no caller's context, and needs none captured.
    addDoneWaiter(future, () => this.onFutureDone(task));
    this.monitor.queued(future, fn);
    this.idleness.busy();
    this.pumper.schedule();
    return future;
  }

  /**
   * `fn(item)` in the children for each item, results in input order, with at
   * most `window` (default 2 × capacity) items submitted ahead of the consumer.
   * With `chunksize` > 1 the items travel `chunksize` to a task (one IPC message
   * each way per chunk, as Python's chunksize); a failed item throws at its
   * position, and the rest of its chunk does not run. A timeout then counts
   * chunks, not items.
   * @throws ExecutorShutdownError after shutdown(); TypeError for an unknown or
   *   mistyped option; RangeError for a window or chunksize below 1.
   */
  map<T, R>(fn: Task<[T], R>, iterable: Iterable<T> | AsyncIterable<T>, options?: MapOptions): AsyncIterable<Awaited<R>> {
    if (this.isShutdown) throw new ExecutorShutdownError();
    requireFnRef(fn);
    const { timeout, window, chunksize } = resolveMapOptions(options, 'ProcessPoolExecutor', 2 * this.capacity);
    if (chunksize === 1) return mapLazily((item: T) => this.submit<R>(fn, item), iterable, { timeout, window });
    if (!isIterable(iterable)) throw new TypeError('map(fn, iterable): iterable must be an Iterable or AsyncIterable');
    // One task per chunk; the window counts items, so about window / chunksize chunks.
    const chunks = mapLazily((items: T[]) => this.submit<ChunkOutcome[]>(RUN_CHUNK_REF, fn, items), chunked(iterable, chunksize), {
      timeout,
      window: Math.ceil(window / chunksize),
    });
    return unchunked<Awaited<R>>(chunks);
  }

  /**
   * Stops accepting tasks (idempotent). `cancelFutures` cancels the queued
   * ones; `abort` aborts the running ones (their children are told, their
   * futures settle as cancelled). Once nothing is queued or running, the pool
   * is destroyed and every child process has exited; `wait` (default true)
   * waits for that, otherwise it happens in the background. With `abort`, the
   * children get `grace` seconds (default 5) to let go of their tasks; then
   * whatever is still queued is cancelled and every child still holding a task
   * is killed (SIGTERM, SIGKILL a second later), so this returns within about
   * grace + 1 s (see ShutdownOptions.grace).
   * @throws (rejects) TypeError / RangeError naming `grace` when it is not a non-negative number of seconds.
   */
  async shutdown({ wait = true, cancelFutures = false, abort = false, grace }: ShutdownOptions = {}): Promise<void> {
    const graceMs = timeoutToMs(grace ?? DEFAULT_ABORT_GRACE_SECONDS, 'shutdown({ grace })');
    this.isShutdown = true;
    if (cancelFutures) {
      // Re-queued tasks already run (cancel() refuses them); abort handles those.
      for (const task of this.queue.values()) task.future.cancel();
    }
    const reason = new ExecutorShutdownError('executor shut down with abort: true');
    if (abort) {
      for (const task of [...this.table.inFlightTasks(), ...this.queue.values()]) {
        if (task.future.running()) task.future.abort(reason);
      }
    }
    this.closed ??= this.closeWhenIdle();
    this.idleness.notifyIfIdle();
    if (abort) this.boundAbort(graceMs, reason);
    if (wait) await this.closed;
  }

  /** `await using executor = new ProcessPoolExecutor()`: shutdown({ wait: true }) at the block's end (every child has exited), as Python's `with`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown({ wait: true });
  }

  /** After the grace, nothing waits any more: queued tasks are cancelled and children still holding tasks are killed. */
  private boundAbort(graceMs: number | undefined, reason: ExecutorShutdownError): void {
    const closed = this.closed!;
    void settlesWithin(this.idleness.whenIdle(), graceMs).then((idle) => {
      if (idle) return;
      for (const task of [...this.queue.values()]) task.future.abort(reason);
      const holding = this.table.holdingPids();
      terminateChildren(this.tracker, holding, closed);
    });
  }

  /**
   * Python 3.14's terminate_workers(): shuts down (queued tasks are cancelled)
   * and sends SIGTERM to every child now (SIGKILL a second later to one still
   * there, e.g. stopped). Every task a child held fails with BrokenProcessPool
   * (`BrokenProcessPool.stopped`), none is re-run. Resolves once every child has exited.
   */
  terminateWorkers(): Promise<void> {
    return this.stopWorkers('terminateWorkers()');
  }

  /** Python 3.14's kill_workers(): as terminateWorkers(), with SIGKILL at once. */
  killWorkers(): Promise<void> {
    return this.stopWorkers('killWorkers()');
  }

  private async stopWorkers(method: 'terminateWorkers()' | 'killWorkers()'): Promise<void> {
    this.forcedBy ??= method;
    void this.shutdown({ wait: false, cancelFutures: true });
    // Tasks re-queued after an earlier loss are already running: they cannot be cancelled, they fail.
    for (const task of [...this.queue.values()]) {
      task.future.setException(new BrokenProcessPool(`The pool's children were stopped by ${method} before this task could start`));
    }
    const pids = this.tracker.livePids();
    if (method === 'killWorkers()') killChildren(this.tracker, pids);
    else terminateChildren(this.tracker, pids, this.closed!);
    await this.closed;
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
    return this.lostListeners.add(listener);
  }

  // ---- dispatch ------------------------------------------------------------

  /** Hands queued tasks to children with free slots: one 'run' message per child, however many tasks. */
  private pump(): void {
    let batches: Map<ChildSlot<PoolTask>, TaskMessage[]> | undefined;
    while (this.queue.size > 0 && this.forcedBy === undefined) {
      const slot = this.freeSlot();
      if (slot === undefined) break;
      const task = this.queue.shift()!;
      task.entry = undefined;
      // A re-queued task is already running (its future says so); a fresh one may have been cancelled.
      const runnable = task.future.running() || task.future.setRunningOrNotifyCancel();
      if (!runnable) continue;
      this.monitor.running(task.future);
      this.table.place(task, slot);
      batches ??= new Map();
      const batch = batches.get(slot);
      if (batch === undefined) batches.set(slot, [task.message]);
      else batch.push(task.message);
    }
    // forEach, not for-of destructuring each entry: no entry pair and no iterator protocol per pump.
    batches?.forEach((tasks, slot) => slot.send({ __rf: 'run', tasks }));
    this.idleness.notifyIfIdle();
  }

  /**
   * Where the next task goes, as CPython's ProcessPoolExecutor (3.9+) decides:
   * an idle child first; a new child while there are fewer than maxWorkers;
   * otherwise the least busy child with a free slot. So one-at-a-time tasks
   * keep one child, and a large maxWorkers costs nothing until the load needs it.
   */
  private freeSlot(): ChildSlot<PoolTask> | undefined {
    const pool = this.pool ?? this.startPool();
    const best = this.table.leastBusy();
    if (best !== undefined && best.tasks.size === 0) return best;
    if (pool.size < this.maxWorkers) return this.spawnChild(pool) ?? best;
    return best;
  }

  private startPool(): ChildPool {
    this.idleness.clearIdleTimer();
    const pool = new ChildPool(this.options, this.childListener);
    this.pool = pool;
    this.liveness?.start();
    return pool;
  }

  /** The new child's slot: its tasks wait there until it is ready. */
  private spawnChild(pool: ChildPool): ChildSlot<PoolTask> | undefined {
    const child = pool.spawn();
    return child === undefined ? undefined : this.table.slot(child.pid);
  }

  private addChild(child: ChildHandle): void {
    this.tracker.add(child);
    const slot: ChildSlot<PoolTask> = new ChildSlot(child, (message, error) => this.onSendFailure(slot, message, error));
    this.table.add(slot);
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
    this.idleness.notifyIfIdle();
  }

  // ---- what children say -----------------------------------------------------

  private onChildMessage(pid: number, message: unknown): void {
    // Anything else is a task's own process.send(): not ours to interpret.
    if (!isChildMessage(message)) return;
    const slot = this.table.slot(pid);
    if (slot === undefined) return;
    slot.heard = true;
    // 'ready': the handle has already sent what waited for it.
    if (message.__rf === 'alive' || message.__rf === 'ready') return;
    let declined: PoolTask[] | undefined;
    for (const event of message.events) {
      // A task's start and its reply (nearly every event) take short ways of their own; the rest, handleEvent.
      if (event.type === 'reply') this.handleReply(slot, event);
      else if (event.type === 'started') this.handleStarted(slot, event.id);
      else if (event.type === 'declined') this.handleDeclined(slot, event.id, (declined ??= []));
      else this.handleEvent(slot, event);
    }
    if (declined !== undefined) this.requeueAtFront(declined);
    this.table.stopIfRetired(slot);
    this.pump();
  }

  /** The task's reply: it leaves its slot, and its future settles (unless it settled meanwhile or went elsewhere). */
  private handleReply(slot: ChildSlot<PoolTask>, event: Extract<ChildEvent, { type: 'reply' }>): void {
    const task = this.heldBy(slot, event.id);
    if (task === undefined) return;
    this.table.release(task);
    const streams = event.streams;
    if (streams === undefined || streams.length === 0) {
      this.settleReply(task, event.reply);
      return;
    }
    this.bodies.open(slot.pid, streams);
    // A future settled meanwhile (cancelled, aborted) dropped the value: nobody will read its bodies.
    if (!this.settleReply(task, event.reply)) this.bodies.cancel(slot.pid, streams);
  }

  private handleStarted(slot: ChildSlot<PoolTask>, id: number): void {
    const task = this.heldBy(slot, id);
    if (task !== undefined) task.started = true;
  }

  private handleDeclined(slot: ChildSlot<PoolTask>, id: number, declined: PoolTask[]): void {
    const task = this.heldBy(slot, id);
    if (task === undefined) return;
    this.table.release(task);
    declined.push(task);
  }

  /** The task `id` if `slot` holds it: not if it settled meanwhile (its child was judged lost) or was sent elsewhere since. */
  private heldBy(slot: ChildSlot<PoolTask>, id: number): PoolTask | undefined {
    const task = this.table.task(id);
    return task !== undefined && task.slot === slot ? task : undefined;
  }

  /** Every event but starts, replies and declines. */
  private handleEvent(slot: ChildSlot<PoolTask>, event: ChildEvent): void {
    if (event.type === 'retiring') {
      slot.retiring = true;
      return;
    }
    if (isStreamEvent(event)) {
      this.bodies.receive(slot.pid, event);
      return;
    }
    if (isUploadEvent(event)) {
      this.uploads.receive(slot.pid, event);
      return;
    }
    if (event.type === 'bytes-wanted' || event.type === 'bytes-returned') {
      if (event.type === 'bytes-wanted') this.grants?.ask(slot, event.bytes);
      else this.grants?.giveBack(event.bytes);
      return;
    }
    if (event.type === 'progress') {
      const task = this.heldBy(slot, event.id);
      // The monitor shields this loop from a throwing listener.
      if (task !== undefined) this.monitor.bytes(task.future, event.bytes, event.total);
    }
  }

  /** True when the future took the reply's value. */
  private settleReply(task: PoolTask, reply: TaskReply | PackedReply): boolean {
    if (reply.ok) return this.settle(task, () => task.future.setResult(decode(reply.value)));
    this.settle(task, () => task.future.setException(decode(reply.error)));
    return false;
  }

  /** Runs `apply` (which settles the future; the monitor counts it); a reply that cannot be decoded fails the future. */
  private settle(task: PoolTask, apply: () => boolean): boolean {
    try {
      return apply();
    } catch (decodeError) {
      task.future.setException(decodeError);
      return false;
    }
  }

  /** A write that failed for another reason than the child going away: the tasks it carried never left. */
  private onSendFailure(slot: ChildSlot<PoolTask>, message: ControlMessage, error: unknown): void {
    if (isClosedChannel(error) || message.__rf !== 'run') return;
    for (const { id } of message.tasks) {
      const task = this.table.task(id);
      if (task === undefined || task.slot !== slot || task.started) continue;
      this.table.release(task);
      this.settle(task, () => task.future.setException(error));
    }
    this.pump();
  }

  private abortRunning(task: PoolTask, reason: unknown): void {
    // Messages to a child keep their order: an abort never overtakes the task it names.
    // (A re-queued task has no child: onFutureDone drops it from the queue.)
    task.slot?.send({ __rf: 'abort', id: task.id, reason: encodeReason(reason) });
  }

  // ---- children that go away -----------------------------------------------------

  private onChildExit(exit: ChildExit): void {
    // A replacement, if any, was announced (onChild) before this exit.
    this.grants?.forget(exit.pid);
    const slot = this.table.slot(exit.pid);
    if (slot === undefined) return;
    slot.closed = true;
    this.settleLostChild(slot, exit).catch((bug: unknown) => {
      for (const task of [...slot.tasks]) {
        this.table.release(task);
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
    this.table.remove(slot.pid);
    this.bodies.childLost(slot.pid, BrokenProcessPool.whileRunning(exit));
    this.uploads.childLost(slot.pid);
    const retry: PoolTask[] = [];
    const broken: Array<[PoolTask, BrokenProcessPool]> = [];
    for (const task of [...slot.tasks]) {
      const verdict = this.forcedBy === undefined ? judgeLoss(task, slot, exit) : BrokenProcessPool.stopped(exit, this.forcedBy, task.started);
      if (verdict === 'retry') {
        this.table.release(task);
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
        if (task.started) await this.lostListeners.tell(task.future, error);
        this.table.release(task);
        this.settle(task, () => task.future.setException(error));
      }),
    );
    this.pump();
  }

  private retirePool(pool: ChildPool): void {
    if (this.pool === pool) this.pool = undefined;
    for (const child of pool.children()) {
      const slot = this.table.slot(child.pid);
      if (slot !== undefined) slot.closed = true;
    }
    const closing: Promise<void> = pool.destroy().finally(() => this.closingPools.delete(closing));
    this.closingPools.add(closing);
  }

  // ---- stopping children, closing -------------------------------------------------

  /** The liveness check gave up on this child: killed, its started tasks fail as unresponsive (judgeLoss). */
  private killUnresponsive(slot: ChildSlot<PoolTask>): void {
    killChildren(this.tracker, [slot.pid]);
  }

  /**
   * drain()'s last resort, once aborted tasks overstayed the grace: every live
   * child is killed, which releases its slots so closeWhenIdle can finish.
   */
  private killAllChildren(): number[] {
    const pids = this.tracker.livePids();
    killChildren(this.tracker, pids);
    return pids;
  }

  /** Never rejects: with wait: false nobody would be listening. */
  private async closeWhenIdle(): Promise<void> {
    await this.idleness.whenIdle();
    this.idleness.clearIdleTimer();
    // Their exits must be seen even if nothing else keeps this process alive (child-handle.ts).
    for (const pid of this.tracker.livePids()) this.tracker.child(pid)?.keepAlive();
    const pool = this.pool;
    this.pool = undefined;
    for (const slot of this.table.allSlots()) slot.closed = true;
    // Never rejects: a child that would not die is killed below.
    await pool?.destroy();
    await Promise.allSettled(this.closingPools);
    // Retired children are no longer in the pool; none may outlive the executor (a stopped one ignores SIGTERM).
    const allExited = this.tracker.allExited();
    terminateChildren(this.tracker, this.tracker.livePids(), allExited);
    await allExited;
    this.liveness?.stop();
  }
}
