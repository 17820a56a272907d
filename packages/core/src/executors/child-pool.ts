/**
 * The one place that knows tinypool: the configuration behind
 * ProcessPoolExecutor (with the reason for each choice; measured facts:
 * docs/FACTS.md) and the reading of its children. The executor sees plain
 * ChildProcess handles and pids.
 *
 * tinypool fights the design in three places, so its use stays small: it keeps
 * each child's ChildProcess in a private field (`ProcessWorker.process`,
 * read here and nowhere else); it reports a replacement only by adding it
 * to `pool.threads` (re-read after every exit and 'error'); and it spawns
 * children only all at once (minThreads) or inside run(), so each child gets
 * a tinypool of its own, started when the executor needs one more child.
 */
import type { ChildProcess } from 'node:child_process';
import { Tinypool } from 'tinypool';
import { COORDINATOR_PID_FLAG, HEARTBEAT_FLAG, MAX_MEMORY_FLAG, MAX_TASKS_FLAG, workerEntryUrl } from '@requests-futures/worker';
import { heartbeatIntervalMs } from './liveness-watch.js';
import type { ResolvedProcessPoolOptions } from './process-pool-options.js';

export class ChildPool {
  /**
   * One tinypool per child, each of exactly one child: tinypool spawns only in its
   * constructor (up to minThreads), in run() (never called) and to replace a dead
   * child, so a pool of one is how a child is started when it is needed and not before.
   */
  private readonly lanes = new Set<Tinypool>();

  /** `onChildren` is called whenever a child died, after tinypool may have spawned its replacement. */
  constructor(
    private readonly options: ResolvedProcessPoolOptions,
    private readonly onChildren: (children: readonly ChildProcess[]) => void,
  ) {}

  /** Children alive or being replaced: each lane holds one. */
  get size(): number {
    return this.lanes.size;
  }

  /** Starts one more child and returns it (undefined if tinypool gave none). */
  spawn(): ChildProcess | undefined {
    const lane = createTinypool(this.options);
    this.lanes.add(lane);
    // Every child death is reported here (no tinypool task ever runs); unheard, it would be an uncaught exception.
    lane.on('error', () => {
      // tinypool stops replacing a child that died while starting: that lane is done for.
      if (lane.threads.length === 0) this.lanes.delete(lane);
      this.onChildren(this.children());
    });
    const [thread] = lane.threads;
    return thread === undefined ? undefined : childProcessOf(thread);
  }

  /** The children tinypool holds now (after an exit: its replacement included). */
  children(): ChildProcess[] {
    const children: ChildProcess[] = [];
    for (const lane of this.lanes) {
      for (const thread of lane.threads) {
        const child = childProcessOf(thread);
        if (child !== undefined) children.push(child);
      }
    }
    return children;
  }

  /** Ends every child; never rejects (tinypool's destroy() only rejects for a child that would not die: the caller kills it). */
  async destroy(): Promise<void> {
    const lanes = [...this.lanes];
    this.lanes.clear();
    await Promise.all(
      lanes.map(async (lane) => {
        try {
          await lane.destroy();
        } catch {
          // See above.
        }
      }),
    );
  }
}

function createTinypool(options: ResolvedProcessPoolOptions): Tinypool {
  const { env, execArgv, maxTasksPerChild, maxMemoryPerChildMb, heartbeatTimeoutMs } = options;
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
    // A pool of one child (see ChildPool.lanes); tinypool replaces it if it dies.
    minThreads: 1,
    maxThreads: 1,
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
