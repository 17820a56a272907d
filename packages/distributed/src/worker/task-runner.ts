/**
 * Runs one decoded task on this machine: in this process (the default), or in
 * a local ProcessPoolExecutor so that one worker uses every core.
 */
import { ProcessPoolExecutor } from '@requests-futures/core';
import { loadFnRef, type FnRef } from '@requests-futures/serializer';
import { callTask, standaloneTaskContext } from '@requests-futures/core/executor-kit';

export interface TaskRunner {
  run(fn: FnRef, args: unknown[], signal: AbortSignal): Promise<unknown>;
  close(): Promise<void>;
}

let nextTaskId = 1;

export function inProcessRunner(): TaskRunner {
  return {
    async run(fn, args, signal) {
      const target: unknown = await loadFnRef(fn);
      if (typeof target !== 'function') throw new TypeError(`Export "${fn.exportName}" of ${fn.moduleUrl} is not a function (got ${typeof target})`);
      return callTask(standaloneTaskContext(signal, nextTaskId++), target as (...a: unknown[]) => unknown, args);
    },
    async close() {},
  };
}

export function processPoolRunner(processes: number, concurrencyPerWorker: number): TaskRunner {
  const pool = new ProcessPoolExecutor({ maxWorkers: processes, concurrencyPerWorker });
  return {
    run(fn, args, signal) {
      const future = pool.submit(fn, ...args);
      const onAbort = () => future.abort(signal.reason);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      return future.result().finally(() => signal.removeEventListener('abort', onAbort));
    },
    close: () => pool.shutdown({ wait: true }),
  };
}
