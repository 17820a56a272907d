/**
 * The seam between ProcessPoolExecutor and tinypool, its process runtime: it
 * spawns children, tells when one is replaced, and ends them all. The executor
 * sees ChildHandles (child-handle.ts: ready, send, exit with code and signal),
 * never tinypool or a ChildProcess. This file also holds the tinypool
 * configuration, with the reason for each choice (measured facts: docs/FACTS.md).
 *
 * tinypool fights the design in these places, so its use stays this small:
 * - it spawns children only all at once (minThreads) or inside run(), which is
 *   never called (tasks travel on our own IPC lane: docs/architecture.md), so
 *   each child gets a tinypool of its own ("lane"), created when the executor
 *   needs one more child;
 * - it keeps each child's ChildProcess in a private field
 *   (`ProcessWorker.process`), read here and nowhere else;
 * - it says nothing of a replacement but adding it to `threads`, re-read here
 *   when it reports a death;
 * - it reports a death as a bare 'error' without code or signal (the handle
 *   hears the 'exit' itself), and stops replacing a child that died while
 *   starting: that lane is dropped and the next child is a new lane;
 * - it drops messages sent before the child is ready and unrefs its children:
 *   see child-handle.ts;
 * - its handshake is lost to any listener a child preloads: every child is
 *   started with @requests-futures/worker's handshake guard first.
 */
import type { ChildProcess } from 'node:child_process';
import { Tinypool } from 'tinypool';
import {
  BYTE_GRANT_FLAG,
  COORDINATOR_PID_FLAG,
  HEARTBEAT_FLAG,
  MAX_MEMORY_FLAG,
  MAX_TASKS_FLAG,
  TASK_RUNNER_FLAG,
  handshakeGuardPath,
  workerEntryUrl,
} from '@requests-futures/worker';
import { grantBatchBytes } from './byte-grants.js';
import { ChildHandle, type ChildListener } from './child-handle.js';
import { heartbeatIntervalMs } from './liveness-watch.js';
import type { ResolvedProcessPoolOptions } from './process-pool-options.js';

export type { ChildListener } from './child-handle.js';
export { ChildHandle } from './child-handle.js';

/** One tinypool holding one child, and the handle of that child. */
interface Lane {
  readonly tinypool: Tinypool;
  child: ChildHandle | undefined;
}

export class ChildPool {
  private readonly lanes = new Set<Lane>();

  constructor(
    private readonly options: ResolvedProcessPoolOptions,
    private readonly listener: ChildListener,
  ) {}

  /** Children alive or being replaced: each lane holds one. */
  get size(): number {
    return this.lanes.size;
  }

  /** Starts one more child; the listener hears of it (onChild) before this returns it. */
  spawn(): ChildHandle | undefined {
    const lane: Lane = { tinypool: createTinypool(this.options), child: undefined };
    this.lanes.add(lane);
    // Every child death is reported here (no tinypool task ever runs); unheard, it would be an
    // uncaught exception. It comes inside the dead child's 'exit' event, replacement already spawned.
    lane.tinypool.on('error', () => this.adoptReplacement(lane));
    const child = this.adopt(lane);
    if (child === undefined) this.lanes.delete(lane);
    return child;
  }

  /** The children of this pool now. */
  children(): ChildHandle[] {
    const children: ChildHandle[] = [];
    for (const lane of this.lanes) if (lane.child !== undefined) children.push(lane.child);
    return children;
  }

  /** Ends every child; never rejects (tinypool's destroy() only rejects for a child that would not die: the caller kills it). */
  async destroy(): Promise<void> {
    const lanes = [...this.lanes];
    this.lanes.clear();
    await Promise.all(
      lanes.map(async (lane) => {
        try {
          await lane.tinypool.destroy();
        } catch {
          // See above.
        }
      }),
    );
  }

  private adoptReplacement(lane: Lane): void {
    // tinypool gives up on a child that died while starting: nothing more comes from that lane.
    if (this.lanes.has(lane) && this.adopt(lane) === undefined) this.lanes.delete(lane);
  }

  /** The lane's current child, wrapped and announced once. */
  private adopt(lane: Lane): ChildHandle | undefined {
    const [thread] = lane.tinypool.threads;
    const process = thread === undefined ? undefined : childProcessOf(thread);
    if (process?.pid === undefined) {
      lane.child = undefined;
      return undefined;
    }
    if (lane.child?.pid === process.pid) return lane.child;
    const child = new ChildHandle(process, process.pid);
    lane.child = child;
    this.listener.onChild(child);
    child.watch(this.listener);
    return child;
  }
}

/** The child runs its tasks through this module's callTask (task-context.ts says why by URL). */
const TASK_RUNNER_URL = new URL('../task-context.js', import.meta.url).href;

function createTinypool(options: ResolvedProcessPoolOptions): Tinypool {
  const { env, execArgv, maxTasksPerChild, maxMemoryPerChildMb, heartbeatTimeoutMs, maxBytesPerSecond } = options;
  // The child's budgets travel as flags, which stay out of the tasks' environment.
  const argv: string[] = [`${COORDINATOR_PID_FLAG}=${process.pid}`, `${TASK_RUNNER_FLAG}=${TASK_RUNNER_URL}`];
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
    // First, so that it listens before any preload of the user's (handshake-guard.cts).
    execArgv: ['--require', handshakeGuardPath, ...execArgv],
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
