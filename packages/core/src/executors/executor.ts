/**
 * The one interface both executors implement, as in concurrent.futures: the
 * semantics of a future live in `futures/`, an executor only schedules.
 */
import type { FnRef } from '@requests-futures/serializer';
import type { Future } from '../futures/future.js';
import type { TaskLostListener } from './task-lost-listeners.js';

/** A task: a function (in-process only) or an fnRef (works everywhere). */
export type Task<A extends unknown[] = any[], R = unknown> = ((...args: A) => R | Promise<R>) | FnRef;

export interface ShutdownOptions {
  /** Wait for running (and, without cancelFutures, queued) tasks. Default true. */
  wait?: boolean;
  /** Cancel tasks that have not started. Default false (Python's default). */
  cancelFutures?: boolean;
  /** Abort running tasks too. Default false. */
  abort?: boolean;
  /**
   * With `abort`: seconds the aborted tasks get to let go before shutdown stops
   * waiting for them. Default DEFAULT_ABORT_GRACE_SECONDS (5); Infinity waits
   * as long as they take. Then every future still pending is cancelled, an
   * in-process task that has not returned is abandoned (no longer waited for),
   * and a child process still holding a task is killed (SIGTERM, then SIGKILL
   * a second later). So `shutdown({ abort: true })` returns within about
   * grace + 1 s, whatever a task or hook does.
   */
  grace?: number;
}

/** How long `shutdown({ abort: true })` waits for aborted tasks by default, in seconds. */
export const DEFAULT_ABORT_GRACE_SECONDS = 5;

export interface MapOptions {
  /** Seconds; the iteration throws TimeoutError when a result is not ready by then (measured from the map call). */
  timeout?: number;
  /** How many items may be submitted ahead of the consumer. Default: 2 × the executor's concurrency. */
  window?: number;
  /**
   * ProcessPoolExecutor: items sent to a child as one task (Python's chunksize), which
   * saves an IPC round trip per item for small tasks. Default 1. Accepted and
   * ignored by ThreadPoolExecutor, as in Python.
   */
  chunksize?: number;
}

export interface Executor {
  readonly maxWorkers: number;
  /**
   * Tasks that run at once, at most: what a caller sizes its own window by
   * (FuturesSession's maxQueued and connection pool). ThreadPoolExecutor:
   * maxWorkers; ProcessPoolExecutor: maxWorkers × concurrencyPerWorker.
   */
  readonly capacity: number;
  /** True when tasks run in other processes: arguments must be picklable and tasks fnRefs. */
  readonly crossesProcesses: boolean;
  /**
   * Optional: true when a task's child can pull a streamed request body from
   * this process (`offerUpload`, ProcessPoolExecutor); a crossing executor
   * without it refuses a Readable, an async iterable, a Blob or an opened file as `data`.
   */
  readonly streamsUploads?: boolean;
  /**
   * Optional: hears of every task whose worker died while running it, before
   * its future fails (ProcessPoolExecutor: the child was killed, so it cleaned
   * nothing up); returns the unsubscribe. An executor whose workers cannot die
   * on their own (ThreadPoolExecutor) has none.
   */
  onTaskLost?(listener: TaskLostListener): () => void;
  submit<R = unknown>(fn: Task<any[], R>, ...args: unknown[]): Future<Awaited<R>>;
  /** Results in input order, pulling lazily from any (async) iterable. */
  map<T, R>(fn: Task<[T], R>, iterable: Iterable<T> | AsyncIterable<T>, options?: MapOptions): AsyncIterable<Awaited<R>>;
  shutdown(options?: ShutdownOptions): Promise<void>;
}
