/**
 * Every guarantee of the reliability suite holds on both executors: in this
 * process, and in child processes where the request spec travels by value and
 * errors come back through the serializer.
 */
import { ProcessPoolExecutor, ThreadPoolExecutor, type Executor } from '@requests-futures/core';

export interface ExecutorCase {
  readonly name: string;
  make(): Executor;
}

export const executorCases: readonly ExecutorCase[] = [
  { name: 'ThreadPoolExecutor', make: () => new ThreadPoolExecutor({ maxWorkers: 4 }) },
  // Two children, so a request may land in either: state must travel with each request.
  { name: 'ProcessPoolExecutor', make: () => new ProcessPoolExecutor({ maxWorkers: 2, concurrencyPerWorker: 4 }) },
];
