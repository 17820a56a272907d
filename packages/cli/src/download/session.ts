/**
 * The engine behind `rf download`: a FuturesSession whose executor is either
 * in-process (-j workers) or N child processes sharing the -j downloads.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { FuturesSession, ProcessPoolExecutor, ThreadPoolExecutor, type Executor } from '@requests-futures/core';
import { prestartBodyHasher } from '@requests-futures/core/internal';
import { chooseProcesses } from './engine-choice.js';
import type { DownloadSessionOptions } from './request-flags.js';

export interface DownloadEngineOptions {
  jobs: number;
  /** Child processes; 0 = in-process; absent = chooseProcesses decides. */
  processes?: number;
  /** The URL list's path ('-' for stdin), which the default engine looks at. */
  list?: string;
  retries: number;
  /** Status codes retried besides the engine's default (429, 503): --retry-on-http-error. */
  retryStatusCodes?: number[];
  /** Headers, auth, timeout, proxies, verify: the request flags, as the library takes them. */
  sessionOptions?: DownloadSessionOptions;
  /** --max-per-host: the coordinator's per-origin limit. */
  perHostLimit?: number;
  /** --limit-rate: one token bucket in this process for every download, whichever process runs it. */
  maxBytesPerSecond?: number;
  /** An executor made by the caller (--redis: a DistributedExecutor); shut down by close(). */
  executor?: Executor;
  /** false: --no-checksum (nothing is hashed). */
  checksum?: boolean;
}

export interface DownloadEngine {
  session: FuturesSession;
  /** Shuts down the session and the executor it was given (a session does not own a passed-in executor). */
  close(options?: { abort?: boolean }): Promise<void>;
}

/** An unreadable list is reported by the download itself; here it just counts as long. */
function listSize(list: string): number | undefined {
  try {
    return statSync(list).size;
  } catch {
    return undefined;
  }
}

/** Backoff base for --retries, seconds: 0.5, 1, 2, ... with jitter (the engine's exponential backoff). */
export const RETRY_BACKOFF_SECONDS = 0.5;

export function createDownloadEngine(options: DownloadEngineOptions): DownloadEngine {
  const processes = chooseProcesses({
    jobs: options.jobs,
    cores: availableParallelism(),
    ...(options.processes !== undefined ? { processes: options.processes } : {}),
    ...(options.list !== undefined && options.list !== '-' ? { listBytes: listSize(options.list) } : {}),
  });
  const limit = options.maxBytesPerSecond !== undefined ? { maxBytesPerSecond: options.maxBytesPerSecond } : {};
  let executor: Executor | undefined = options.executor;
  if (executor === undefined && processes > 0) {
    const pool = new ProcessPoolExecutor({
      maxWorkers: processes,
      concurrencyPerWorker: Math.ceil(options.jobs / processes),
      ...limit,
    });
    // The children boot (about 0.1 s each) while the list is opened and its first URLs are read.
    pool.prestart();
    executor = pool;
  } else if (executor === undefined && options.maxBytesPerSecond !== undefined) {
    // The session's own executor takes no limit: this one is built here and shut down by close().
    executor = new ThreadPoolExecutor({ maxWorkers: options.jobs, ...limit });
  }
  // Hashing in this process: its hasher thread boots (50-90 ms) while the list is read, not in front of the first download.
  // Not started with the first large body instead: that saved a list of small files ~6 MiB and a core's 50-90 ms, but 64 x
  // 4 MiB then peaked at 159-185 MiB against 134-148 (bodies queued for the booting thread, or hashed here meanwhile).
  const hashesHere = (executor === undefined || executor instanceof ThreadPoolExecutor) && options.checksum !== false;
  if (hashesHere) prestartBodyHasher();
  const session = new FuturesSession({
    ...(executor ? { executor } : { maxWorkers: options.jobs }),
    // Every download may hold a socket to the same host at once.
    adapterOptions: { poolMaxSize: options.jobs },
    // session.map's window equals the concurrency, so a request starts as soon as it is
    // submitted, and elapsed time measured from submission is the download's own.
    maxQueued: options.jobs,
    ...(options.retries > 0 ? { retries: { limit: options.retries, backoffFactor: RETRY_BACKOFF_SECONDS, ...(options.retryStatusCodes ? { statusCodes: options.retryStatusCodes } : {}) } } : {}),
    ...(options.perHostLimit !== undefined ? { perHostLimit: options.perHostLimit } : {}),
    ...options.sessionOptions,
  });
  return {
    session,
    async close({ abort = false } = {}) {
      await session.close({ abort });
      await executor?.shutdown({ wait: true, cancelFutures: true, abort });
    },
  };
}
