/**
 * The tinypool configuration behind ProcessPoolExecutor, with the reason for
 * each choice (measured facts: docs/FACTS.md).
 */
import { Tinypool } from 'tinypool';
import { COORDINATOR_PID_FLAG, HEARTBEAT_FLAG, MAX_MEMORY_FLAG, MAX_TASKS_FLAG, workerEntryUrl } from '@requests-futures/worker';
import { heartbeatIntervalMs } from './liveness-watch.js';
import type { ResolvedProcessPoolOptions } from './process-pool-options.js';

export function createChildPool(options: ResolvedProcessPoolOptions): Tinypool {
  const { maxWorkers, concurrencyPerWorker, env, execArgv, maxTasksPerChild, maxMemoryPerChildMb, heartbeatTimeoutMs } = options;
  // The child's budgets travel as flags, which stay out of the tasks' environment.
  const argv: string[] = [`${COORDINATOR_PID_FLAG}=${process.pid}`];
  if (maxTasksPerChild !== undefined) argv.push(`${MAX_TASKS_FLAG}=${maxTasksPerChild}`);
  if (maxMemoryPerChildMb !== undefined) argv.push(`${MAX_MEMORY_FLAG}=${maxMemoryPerChildMb}`);
  if (heartbeatTimeoutMs !== undefined) argv.push(`${HEARTBEAT_FLAG}=${heartbeatIntervalMs(heartbeatTimeoutMs)}`);
  return new Tinypool({
    runtime: 'child_process',
    filename: workerEntryUrl,
    // Structured clone: bytes travel as bytes ('json' spells a Uint8Array out number by number).
    serialization: 'advanced',
    // Already process.env plus the overrides: a child gets no environment unless given one.
    env,
    execArgv,
    argv,
    // Every child from the start: tinypool marks the children it spawns in its constructor
    // ready at once, while a child spawned later receives one task per free slot until its
    // queue drains (16 tasks of 200 ms on 2 × 8 slots: 0.3 s this way, 1.8 s lazily). The
    // executor builds the pool on first use, so an unused executor spawns nothing.
    minThreads: maxWorkers,
    maxThreads: maxWorkers,
    concurrentTasksPerWorker: concurrencyPerWorker,
    // Not used, on purpose: maxMemoryLimitBeforeRecycle kills a child with all its in-flight
    // tasks (our children retire gracefully instead), and idleTimeout only applies above
    // minThreads (the executor retires the whole idle pool instead).
  });
}
