/**
 * The engine behind `rf download`: a FuturesSession whose executor is either
 * in-process (-j workers) or N child processes sharing the -j downloads.
 */
import { FuturesSession, ProcessPoolExecutor, type Executor } from '@requests-futures/core';

export interface DownloadEngineOptions {
  jobs: number;
  processes?: number;
  retries: number;
  timeoutSeconds?: number;
}

export interface DownloadEngine {
  session: FuturesSession;
  /** Shuts down the session and the executor it was given (a session does not own a passed-in executor). */
  close(options?: { abort?: boolean }): Promise<void>;
}

/** Backoff base for --retries, seconds: 0.5, 1, 2, ... with jitter (the engine's exponential backoff). */
export const RETRY_BACKOFF_SECONDS = 0.5;

export function createDownloadEngine(options: DownloadEngineOptions): DownloadEngine {
  let executor: Executor | undefined;
  if (options.processes !== undefined) {
    executor = new ProcessPoolExecutor({
      maxWorkers: options.processes,
      concurrencyPerWorker: Math.ceil(options.jobs / options.processes),
    });
    // The children boot (about 0.1 s each) while the list is opened and its first URLs are read.
    (executor as ProcessPoolExecutor).prestart();
  }
  const session = new FuturesSession({
    ...(executor ? { executor } : { maxWorkers: options.jobs }),
    // Every download may hold a socket to the same host at once.
    adapterOptions: { poolMaxSize: options.jobs },
    // session.map's window equals the concurrency, so a request starts as soon as it is
    // submitted, and elapsed time measured from submission is the download's own.
    maxQueued: options.jobs,
    ...(options.retries > 0 ? { retries: { limit: options.retries, backoffFactor: RETRY_BACKOFF_SECONDS } } : {}),
    ...(options.timeoutSeconds !== undefined ? { timeout: options.timeoutSeconds } : {}),
  });
  return {
    session,
    async close({ abort = false } = {}) {
      await session.close({ abort });
      await executor?.shutdown({ wait: true, cancelFutures: true, abort });
    },
  };
}
