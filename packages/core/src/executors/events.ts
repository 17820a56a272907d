/**
 * What an executor tells the service that embeds it: counters (`stats()`) and
 * events, per executor instance (nothing here is module-level, so two
 * executors never see each other's tasks).
 *
 * Both executors own one ExecutorMonitor and report to it at three points:
 * a task was submitted (`queued`), it started (`running`), it reported bytes.
 * How a task ended is read from its future, not from the executor: a future
 * can be cancelled or aborted by its holder, and a session's result transform
 * can turn a returned value into a failure, so the future's final state is the
 * only account that is always right.
 *
 * Every task emits `queued`, then `running` unless it was cancelled first,
 * then exactly one of `done`, `failed` or `cancelled`; `bytes` any number of
 * times while it runs.
 */
import { traceTask } from '../diagnostics/task-channels.js';
import { addDoneWaiter, finishedWithException, type Future } from '../futures/future.js';
import { reportCallbackError } from '../futures/report-callback-error.js';
import { RenewingSet } from './renewing-collections.js';

export interface ExecutorEventMap {
  /** Submitted; waits for a free slot. */
  queued: [future: Future<unknown>];
  /** Started (in a process pool: handed to a child). */
  running: [future: Future<unknown>];
  /** Finished with a value. */
  done: [future: Future<unknown>];
  /** Finished with an error (a microtask after the future settled: the error is read from it). */
  failed: [future: Future<unknown>, error: unknown];
  /** Cancelled while queued, or aborted while running. */
  cancelled: [future: Future<unknown>];
  /**
   * The task has received this many body bytes so far (cumulative, reported
   * every 256 KiB and at the end), of `total` when the response declared its
   * size (identity Content-Length; a resumed download's remainder).
   */
  bytes: [future: Future<unknown>, bytes: number, total?: number];
}

export type ExecutorEventName = keyof ExecutorEventMap;
export type ExecutorListener<E extends ExecutorEventName> = (...args: ExecutorEventMap[E]) => void;

/**
 * Counters that partition every task ever submitted:
 * queued + running + completed + failed + cancelled = submitted.
 */
export interface ExecutorStats {
  /** Submitted, not started. */
  readonly queued: number;
  /** Started, not settled (a task aborted while running counts as cancelled at once, even if its child has not let go yet). */
  readonly running: number;
  readonly completed: number;
  readonly failed: number;
  /** Cancelled while queued or aborted while running. */
  readonly cancelled: number;
  /** Pids of the live child processes (always empty for ThreadPoolExecutor). */
  readonly workers: number[];
}

/** The part of an executor a service talks to besides submit/shutdown. */
export interface ObservableExecutor {
  stats(): ExecutorStats;
  /** Subscribes; returns the unsubscribe. */
  on<E extends ExecutorEventName>(event: E, listener: ExecutorListener<E>): () => void;
  off<E extends ExecutorEventName>(event: E, listener: ExecutorListener<E>): void;
}

// Stored untyped: on() and emit() are what tie each listener to its event's arguments.
type AnyListener = (...args: any[]) => void;

/** A minimal typed emitter; a throwing listener is reported as a warning and never reaches the executor. */
export class TypedEmitter<M extends { [E in keyof M]: unknown[] }> {
  private readonly listeners = new Map<keyof M, Set<AnyListener>>();

  constructor(private readonly owner: string) {}

  hasListeners(event: keyof M): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  on<E extends keyof M>(event: E, listener: (...args: M[E]) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError(`${this.owner}.on(${String(event)}, listener): listener must be a function`);
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as AnyListener);
    return () => this.off(event, listener);
  }

  off<E extends keyof M>(event: E, listener: (...args: M[E]) => void): void {
    this.listeners.get(event)?.delete(listener as AnyListener);
  }

  listenerCount(event: keyof M): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  emit<E extends keyof M>(event: E, ...args: M[E]): void {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) return;
    // A copy: a listener may unsubscribe (itself or another) while we iterate.
    for (const listener of [...set]) {
      try {
        listener(...args);
      } catch (error) {
        reportCallbackError(error, `a '${String(event)}' listener of ${this.owner}`);
      }
    }
  }
}

/** One executor's account of its tasks: the counters behind stats() and the events behind on(). */
export class ExecutorMonitor {
  private readonly events: TypedEmitter<ExecutorEventMap>;
  // Renewing: a future passes through each of these on every task (renewing-collections.ts says why).
  private readonly notStarted = new RenewingSet<Future<unknown>>();
  private readonly inFlight = new RenewingSet<Future<unknown>>();
  private completed = 0;
  private failed = 0;
  private cancelled = 0;

  private readonly owner: string;
  private readonly crossesProcesses: boolean;
  /** Somebody listens for done, failed or cancelled: kept up to date by on() and off(), read per task. */
  private hearsOutcomes = false;

  constructor(owner: string, crossesProcesses = false) {
    this.events = new TypedEmitter<ExecutorEventMap>(owner);
    this.owner = owner;
    this.crossesProcesses = crossesProcesses;
  }

  on<E extends ExecutorEventName>(event: E, listener: ExecutorListener<E>): () => void {
    const unsubscribe = this.events.on(event, listener);
    this.noteListeners();
    return () => {
      unsubscribe();
      this.noteListeners();
    };
  }

  off<E extends ExecutorEventName>(event: E, listener: ExecutorListener<E>): void {
    this.events.off(event, listener);
    this.noteListeners();
  }

  /** The executor accepted `task` (for its diagnostics: task-channels.ts); call once per future, when it is fully set up. */
  queued(future: Future<any>, task?: unknown): void {
    traceTask(this.owner, this.crossesProcesses, task, future);
    this.notStarted.add(future);
    this.events.emit('queued', future);
    // After the emit: a listener that cancels at once must not have 'cancelled' announced before 'queued'.
    // A done callback keeps the submitter's context for the listeners of the outcome; with none
    // listening, the counts alone need no context, and a done waiter spares every task an AsyncResource.
    if (this.hearsOutcomes) future.addDoneCallback(() => this.settled(future));
    else addDoneWaiter(future, () => this.settled(future));
  }

  private noteListeners(): void {
    this.hearsOutcomes = this.events.hasListeners('done') || this.events.hasListeners('failed') || this.events.hasListeners('cancelled');
  }

  /** The task started. Idempotent, so a task an executor re-dispatches is announced once. */
  running(future: Future<any>): void {
    if (!this.notStarted.delete(future)) return;
    this.inFlight.add(future);
    this.events.emit('running', future);
  }

  /** Somebody listens for 'bytes': tasks should report their progress. */
  get wantsBytes(): boolean {
    return this.events.hasListeners('bytes');
  }

  bytes(future: Future<any>, bytes: number, total?: number): void {
    if (total === undefined) this.events.emit('bytes', future, bytes);
    else this.events.emit('bytes', future, bytes, total);
  }

  stats(workers: number[]): ExecutorStats {
    return {
      queued: this.notStarted.size,
      running: this.inFlight.size,
      completed: this.completed,
      failed: this.failed,
      cancelled: this.cancelled,
      workers,
    };
  }

  /** Futures not started yet, oldest first (for drain). */
  queuedFutures(): Future<unknown>[] {
    return [...this.notStarted];
  }

  /** Futures started and not settled (for drain). */
  runningFutures(): Future<unknown>[] {
    return [...this.inFlight];
  }

  private settled(future: Future<unknown>): void {
    this.notStarted.delete(future);
    this.inFlight.delete(future);
    if (future.cancelled()) {
      this.cancelled += 1;
      this.events.emit('cancelled', future);
    } else if (finishedWithException(future)) {
      this.failed += 1;
      if (this.events.listenerCount('failed') === 0) return;
      // Only a failed future is asked, so exception() resolves (it rejects only for a cancelled one).
      void future.exception().then(
        (error) => this.events.emit('failed', future, error),
        () => {},
      );
    } else {
      this.completed += 1;
      this.events.emit('done', future);
    }
  }
}
