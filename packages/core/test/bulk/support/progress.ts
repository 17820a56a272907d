/**
 * Waits on the bytes a download reported from its child process
 * (ProcessPoolExecutor.onTaskProgress), keyed by the request's `meta`: the
 * event that tells a test a child really is in the middle of a body.
 */
import type { ProcessPoolExecutor } from '@requests-futures/core';

export interface ProgressWatch {
  /** Resolves once the download whose meta is `meta` has reported at least `bytes`. */
  reached(meta: unknown, bytes: number): Promise<void>;
  stop(): void;
}

export function watchProgress(executor: ProcessPoolExecutor): ProgressWatch {
  const received = new Map<unknown, number>();
  const waiters = new Set<{ meta: unknown; bytes: number; resolve: () => void }>();
  const stop = executor.onTaskProgress((future, bytes) => {
    received.set(future.meta, bytes);
    for (const waiter of waiters) {
      if (waiter.meta === future.meta && bytes >= waiter.bytes) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  });
  return {
    reached(meta, bytes) {
      if ((received.get(meta) ?? 0) >= bytes) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.add({ meta, bytes, resolve }));
    },
    stop,
  };
}
