/**
 * ThreadPoolExecutor: runs tasks in this process, at most `maxWorkers` at
 * once, in submission order. Node needs no threads for I/O, so a "worker" is
 * a slot: a task holds one from the moment it starts until its function has
 * actually returned (even if its future was aborted earlier), which keeps the
 * bound honest and lets shutdown({ wait }) mean "nothing of ours still runs".
 *
 * The executor only schedules; what a future may do lives in futures/future.ts.
 */
import { isFnRef, loadFnRef } from '@requests-futures/serializer';
import { SignalTaskContext, callTask } from '../task-context.js';
import { captureCallerContext, type CallerContext } from '../futures/caller-context.js';
import { Future } from '../futures/future.js';
import { ExecutorDrain, type DrainOptions, type DrainReport } from './drain.js';
import { timeoutToMs } from '../futures/timeout.js';
import { ExecutorShutdownError } from './errors.js';
import { ExecutorMonitor, type ExecutorEventName, type ExecutorListener, type ExecutorStats, type ObservableExecutor } from './events.js';
import { DEFAULT_ABORT_GRACE_SECONDS, type Executor, type MapOptions, type ShutdownOptions, type Task } from './executor.js';
import { mapLazily } from './map-lazily.js';
import { resolveMapOptions } from './map-options.js';
import { assertKnownOptions, type OptionNames } from './option-names.js';
import { Idleness, MicrotaskPump } from './idleness.js';
import { settlesWithin } from './settles-within.js';
import { checkMaxBytesPerSecond, TokenBucket } from './token-bucket.js';
import { RenewingSet } from './renewing-collections.js';

export interface ThreadPoolExecutorOptions {
  /** Most tasks running at once. Default 8 (requests-futures' default). */
  maxWorkers?: number;
  /**
   * At most this many response-body bytes a second across every task (after
   * decompression; default: no limit). A reader beyond its share pauses its
   * socket until the shared token bucket has paid (token-bucket.ts).
   */
  maxBytesPerSecond?: number;
}

interface WorkItem {
  readonly future: Future<any>;
  readonly task: Task;
  readonly args: unknown[];
  readonly taskId: number;
  /** The submitter's AsyncLocalStorage context: the task runs in it, not in the one that happened to free a slot. */
  readonly callerContext: CallerContext;
}

/** The workers of a ThreadPoolExecutor, and so of a FuturesSession given no executor (requests-futures' max_workers). */
const DEFAULT_MAX_WORKERS = 8;
const OPTION_NAMES: OptionNames<ThreadPoolExecutorOptions> = { maxWorkers: true, maxBytesPerSecond: true };

function threadPoolOptions(options: ThreadPoolExecutorOptions | number): ThreadPoolExecutorOptions {
  if (typeof options === 'number') return { maxWorkers: options };
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`ThreadPoolExecutor: options must be an object or a worker count, got ${options === null ? 'null' : typeof options}`);
  }
  assertKnownOptions(options, OPTION_NAMES, 'ThreadPoolExecutor');
  return options;
}
export class ThreadPoolExecutor implements Executor, ObservableExecutor {
  readonly maxWorkers: number;
  readonly crossesProcesses = false;
  /** maxBytesPerSecond's bucket, handed to every task (undefined: no limit). */
  private readonly budget: TokenBucket | undefined;

  /** Submitted, not started (FIFO). Futures cancelled while here are skipped when reached. */
  private queue: WorkItem[] = [];
  /** Futures whose task function has not returned yet (abort targets). */
  /** Renewing: every task's future passes through it (renewing-collections.ts says why). */
  private readonly running = new RenewingSet<Future<any>>();
  private nextTaskId = 1;
  private isShutdown = false;
  /** An abort's grace ran out: shutdown no longer waits for the functions still running. */
  private abandoned = false;
  private readonly pumper = new MicrotaskPump(() => this.pump());
  /** Idle: nothing queued or running and no pump due; or abandoned (nothing left to wait for). */
  private readonly idleness = new Idleness({
    isIdle: () => this.abandoned || (this.running.size === 0 && this.queue.length === 0 && !this.pumper.pending),
  });
  /** stats() and on(): this executor's own account of its tasks. */
  private readonly monitor = new ExecutorMonitor('ThreadPoolExecutor');
  private readonly drainer = new ExecutorDrain({
    monitor: this.monitor,
    shutdown: (options) => this.shutdown(options),
    // In-process work cannot be killed: the drain stops waiting for it.
    forceStop: () => ({ abandoned: this.running.size }),
  });

  /**
   * `new ThreadPoolExecutor(4)` is `new ThreadPoolExecutor({ maxWorkers: 4 })`, as Python's ThreadPoolExecutor(4).
   * @throws TypeError for an unknown option (naming the closest known one); RangeError for a bad maxWorkers.
   */
  constructor(options: ThreadPoolExecutorOptions | number = {}) {
    const { maxWorkers = DEFAULT_MAX_WORKERS, maxBytesPerSecond } = threadPoolOptions(options);
    const bytesPerSecond = checkMaxBytesPerSecond(maxBytesPerSecond, 'ThreadPoolExecutor');
    this.budget = bytesPerSecond === undefined ? undefined : new TokenBucket(bytesPerSecond);
    if (!Number.isInteger(maxWorkers) || maxWorkers < 1) {
      throw new RangeError(`maxWorkers must be an integer >= 1; got ${String(maxWorkers)}`);
    }
    this.maxWorkers = maxWorkers;
  }

  /** One task per worker slot. */
  get capacity(): number {
    return this.maxWorkers;
  }

  /**
   * Schedules `fn(...args)` and returns its future at once; the task starts
   * on a later microtask at the earliest, so cancel() right after submit wins.
   * @throws ExecutorShutdownError after shutdown(); TypeError if fn is neither a function nor an fnRef.
   */
  submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>>;
  submit<R = unknown>(fn: Task<any[], R>, ...args: unknown[]): Future<Awaited<R>>;
  submit(task: Task, ...args: unknown[]): Future<unknown> {
    this.assertOpen();
    assertTask(task);
    const future = new Future<unknown>();
    this.queue.push({ future, task, args, taskId: this.nextTaskId++, callerContext: captureCallerContext() });
    this.monitor.queued(future, task);
    this.pumper.schedule();
    return future;
  }

  /**
   * `fn(item)` for each item, results in input order, with at most `window`
   * (default 2 × maxWorkers) tasks submitted ahead of the consumer. `chunksize`
   * is checked and has no effect here (as in Python).
   * @throws ExecutorShutdownError after shutdown(); TypeError for a bad fn or an
   *   unknown or mistyped option; RangeError for a window or chunksize below 1.
   */
  map<T, R>(fn: Task<[T], R>, iterable: Iterable<T> | AsyncIterable<T>, options?: MapOptions): AsyncIterable<Awaited<R>> {
    this.assertOpen();
    assertTask(fn);
    const { timeout, window } = resolveMapOptions(options, 'ThreadPoolExecutor', 2 * this.maxWorkers);
    return mapLazily((item: T) => this.submit<R>(fn, item), iterable, { timeout, window });
  }

  /**
   * Stops accepting tasks (idempotent). `cancelFutures` cancels the queued
   * ones; `abort` aborts the running ones (their signal fires, their futures
   * settle as cancelled); `wait` resolves once every task that will still run
   * has returned. With `abort`, the wait is bounded by `grace` seconds (default
   * 5): then what is still queued is cancelled and tasks that ignored their
   * signal are abandoned (see ShutdownOptions.grace).
   * @throws (rejects) TypeError / RangeError naming `grace` when it is not a non-negative number of seconds.
   */
  async shutdown({ wait = true, cancelFutures = false, abort = false, grace }: ShutdownOptions = {}): Promise<void> {
    const graceMs = timeoutToMs(grace ?? DEFAULT_ABORT_GRACE_SECONDS, 'shutdown({ grace })');
    this.isShutdown = true;
    if (cancelFutures) {
      for (const item of this.queue.splice(0)) item.future.cancel();
    }
    const reason = new ExecutorShutdownError('executor shut down with abort: true');
    if (abort) {
      for (const future of this.running) future.abort(reason);
    }
    this.idleness.notifyIfIdle();
    if (!abort) {
      if (wait) await this.idleness.whenIdle();
      return;
    }
    const bounded = settlesWithin(this.idleness.whenIdle(), graceMs).then((idle) => {
      if (!idle) this.abandon(reason);
    });
    if (wait) await bounded;
  }

  /** `await using executor = new ThreadPoolExecutor()`: shutdown({ wait: true }) at the block's end, as Python's `with`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown({ wait: true });
  }

  /**
   * Once an abort's grace is spent: nothing queued will start, every future
   * still pending settles as cancelled, and shutdown stops waiting for the
   * functions that have not returned (they cannot be stopped in-process; they
   * keep their slot, so nothing else starts).
   */
  private abandon(reason: ExecutorShutdownError): void {
    this.abandoned = true;
    for (const item of this.queue.splice(0)) item.future.abort(reason);
    for (const future of this.running) future.abort(reason);
    this.idleness.notifyIfIdle();
  }

  /**
   * Graceful, time-bounded shutdown for services (see drain.ts): queued tasks
   * are cancelled at once, running ones get until `deadline` seconds, then are aborted.
   */
  drain(options?: DrainOptions): Promise<DrainReport> {
    return this.drainer.start(options);
  }

  /** Same shape as ProcessPoolExecutor's; `workers` is always empty (no child processes). */
  stats(): ExecutorStats {
    return this.monitor.stats([]);
  }

  /** Subscribes to this executor's task events (events.ts); returns the unsubscribe. */
  on<E extends ExecutorEventName>(event: E, listener: ExecutorListener<E>): () => void {
    return this.monitor.on(event, listener);
  }

  off<E extends ExecutorEventName>(event: E, listener: ExecutorListener<E>): void {
    this.monitor.off(event, listener);
  }

  private assertOpen(): void {
    if (this.isShutdown) throw new ExecutorShutdownError();
  }

  private pump(): void {
    while (this.running.size < this.maxWorkers && this.queue.length > 0) {
      const item = this.queue.shift()!;
      if (!item.future.setRunningOrNotifyCancel()) continue;
      this.running.add(item.future);
      this.monitor.running(item.future);
      void item.callerContext.run(() => this.run(item));
    }
    this.idleness.notifyIfIdle();
  }

  private async run({ future, task, args, taskId }: WorkItem): Promise<void> {
    const controller = new AbortController();
    future.onAbort((reason) => controller.abort(reason));
    const context = new SignalTaskContext(controller.signal, taskId, {
      progress: (bytes, total) => this.monitor.bytes(future, bytes, total),
      progressWanted: this.monitor.wantsBytes,
      budget: this.budget,
    });
    try {
      const fn = typeof task === 'function' ? task : await loadFnRef<(...a: unknown[]) => unknown>(task);
      future.setResult(await callTask(context, fn, args));
    } catch (error) {
      future.setException(error);
    } finally {
      this.running.delete(future);
      this.pump();
    }
  }
}

function assertTask(task: unknown): asserts task is Task {
  if (typeof task !== 'function' && !isFnRef(task)) {
    throw new TypeError(`fn must be a function or an fnRef; got ${task === null ? 'null' : typeof task}`);
  }
}
