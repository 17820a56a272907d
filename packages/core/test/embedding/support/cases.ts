/**
 * The two executors every embedding test runs against, the fixture tasks by
 * reference, and clean-up: whatever a test starts is shut down after it, even
 * when it failed midway.
 */
import { fnRef, type FnRef } from '@requests-futures/serializer';
import { ProcessPoolExecutor } from '../../../dist/executors/process-pool.js';
import { ThreadPoolExecutor } from '../../../dist/executors/thread-pool.js';
import { TASKS_URL } from '../fixtures/tasks.js';
import { startHoldServer, type HoldServer } from '@requests-futures/testing';
export { isAlive } from '@requests-futures/testing';

export type EmbeddableExecutor = ThreadPoolExecutor | ProcessPoolExecutor;

export interface ExecutorCase {
  name: string;
  crossesProcesses: boolean;
  /** An executor running at most `slots` tasks at once. */
  make(slots: number): EmbeddableExecutor;
}

const started: EmbeddableExecutor[] = [];
const servers: HoldServer[] = [];

function track<E extends EmbeddableExecutor>(executor: E): E {
  started.push(executor);
  return executor;
}

export const executorCases: ExecutorCase[] = [
  { name: 'ThreadPoolExecutor', crossesProcesses: false, make: (slots) => track(new ThreadPoolExecutor({ maxWorkers: slots })) },
  {
    name: 'ProcessPoolExecutor',
    crossesProcesses: true,
    make: (slots) => track(new ProcessPoolExecutor({ maxWorkers: 1, concurrencyPerWorker: slots })),
  },
];

export function task(name: 'echo' | 'fail' | 'fetchText' | 'ignoreAbort' | 'pid'): FnRef {
  return fnRef(TASKS_URL, name);
}

export async function holdServer(): Promise<HoldServer> {
  const server = await startHoldServer();
  servers.push(server);
  return server;
}

/** For afterEach: stops every executor and server the test started. */
export async function cleanUp(): Promise<void> {
  await Promise.all(started.splice(0).map((executor) => executor.shutdown({ cancelFutures: true, abort: true })));
  await Promise.all(servers.splice(0).map((server) => server.close()));
}

