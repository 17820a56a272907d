/**
 * The one place that knows tinypool: the configuration behind
 * ProcessPoolExecutor (with the reason for each choice; measured facts:
 * docs/FACTS.md) and the reading of its children. The executor sees plain
 * ChildProcess handles and pids.
 *
 * tinypool fights the design in two places, so its use stays small: it keeps
 * each child's ChildProcess in a private field (`ProcessWorker.process`,
 * read here and nowhere else), and it reports a replacement only by adding it
 * to `pool.threads` (re-read after every exit and 'error').
 */
import type { ChildProcess } from 'node:child_process';
import { Tinypool } from 'tinypool';
import { BYTE_GRANT_FLAG, COORDINATOR_PID_FLAG, HEARTBEAT_FLAG, MAX_MEMORY_FLAG, MAX_TASKS_FLAG, workerEntryUrl } from '@requests-futures/worker';
import { grantBatchBytes } from './byte-grants.js';
import { heartbeatIntervalMs } from './liveness-watch.js';
import type { ResolvedProcessPoolOptions } from './process-pool-options.js';

export class ChildPool {
  private readonly pool: Tinypool;

  /**
   * Spawns every child now (read them with children()); `onChildren` is called
   * whenever tinypool reports an 'error', after which it may have spawned one.
   */
  constructor(options: ResolvedProcessPoolOptions, onChildren: (children: readonly ChildProcess[]) => void) {
    this.pool = createTinypool(options);
    // Every child death is reported here (no tinypool task ever runs); unheard, it would be an uncaught exception.
    this.pool.on('error', () => onChildren(this.children()));
  }

  /** The children tinypool holds now (after an exit: its replacement included). */
  children(): ChildProcess[] {
    const children: ChildProcess[] = [];
    for (const thread of this.pool.threads) {
      const child = childProcessOf(thread);
      if (child !== undefined) children.push(child);
    }
    return children;
  }

  /**
   * tinypool stops replacing children once one died while starting, and spawns only
   * inside run(), which we never call: a pool without children is done for.
   */
  get exhausted(): boolean {
    return this.pool.threads.length === 0;
  }

  /** Ends every child; never rejects (tinypool's destroy() only rejects for a child that would not die: the caller kills it). */
  async destroy(): Promise<void> {
    try {
      await this.pool.destroy();
    } catch {
      // See above.
    }
  }
}

function createTinypool(options: ResolvedProcessPoolOptions): Tinypool {
  const { maxWorkers, concurrencyPerWorker, env, execArgv, maxTasksPerChild, maxMemoryPerChildMb, heartbeatTimeoutMs, maxBytesPerSecond } = options;
  // The child's budgets travel as flags, which stay out of the tasks' environment.
  const argv: string[] = [`${COORDINATOR_PID_FLAG}=${process.pid}`];
  if (maxTasksPerChild !== undefined) argv.push(`${MAX_TASKS_FLAG}=${maxTasksPerChild}`);
  if (maxMemoryPerChildMb !== undefined) argv.push(`${MAX_MEMORY_FLAG}=${maxMemoryPerChildMb}`);
  if (heartbeatTimeoutMs !== undefined) argv.push(`${HEARTBEAT_FLAG}=${heartbeatIntervalMs(heartbeatTimeoutMs)}`);
  if (maxBytesPerSecond !== undefined) argv.push(`${BYTE_GRANT_FLAG}=${grantBatchBytes(maxBytesPerSecond)}`);
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

/** tinypool's ProcessWorker keeps its ChildProcess in `.process`; worker-thread workers have none. */
function childProcessOf(thread: unknown): ChildProcess | undefined {
  if (typeof thread !== 'object' || thread === null || !('process' in thread)) return undefined;
  const candidate = (thread as { process: unknown }).process;
  if (typeof candidate !== 'object' || candidate === null || typeof (candidate as ChildProcess).send !== 'function') return undefined;
  return candidate as ChildProcess;
}
