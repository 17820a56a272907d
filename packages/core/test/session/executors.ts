/** The executors every session test runs against. */
import { ProcessPoolExecutor, ThreadPoolExecutor, fnRef, type Executor } from '@requests-futures/core';

export interface ExecutorCase {
  name: string;
  make(): Executor;
  crossesProcesses: boolean;
}

export const executorCases: ExecutorCase[] = [
  { name: 'ThreadPoolExecutor', make: () => new ThreadPoolExecutor({ maxWorkers: 8 }), crossesProcesses: false },
  { name: 'ProcessPoolExecutor', make: () => new ProcessPoolExecutor({ maxWorkers: 2 }), crossesProcesses: true },
];

const HOOKS = new URL('../fixtures/session-hooks.ts', import.meta.url);
export const hook = (name: string) => fnRef(HOOKS, name);
