/**
 * drain(): the graceful shutdown a service runs when it is told to stop
 * (SIGTERM). Unlike shutdown(), it is bounded in time, which is what a
 * supervisor that sends SIGKILL after a grace period needs:
 *
 *   at once        stop accepting (submit throws ExecutorShutdownError) and
 *                  cancel every queued task (cause: DrainCancelledError);
 *   until deadline running tasks finish on their own;
 *   at deadline    the rest are aborted (cause: DrainDeadlineError): their
 *                  futures settle as cancelled at once, their signals fire;
 *   grace later    a process pool kills the children still holding an aborted
 *                  task (SIGKILL); an in-process executor stops waiting.
 *
 * It resolves once the executor is closed: for a ProcessPoolExecutor, every
 * child process has exited. Times are seconds, like every timeout of this
 * package (Python's convention).
 */
import { performance } from 'node:perf_hooks';
import { timeoutToMs } from '../futures/timeout.js';
import type { ExecutorMonitor } from './events.js';
import type { ShutdownOptions } from './executor.js';
import { settlesWithin } from './settles-within.js';

export const DEFAULT_DRAIN_DEADLINE_SECONDS = 10;
export const DEFAULT_DRAIN_GRACE_SECONDS = 5;

export interface DrainOptions {
  /**
   * Seconds from the call that running tasks may take to finish; then they are
   * aborted. Default 10. 0 aborts them at once; Infinity waits for them.
   */
  deadline?: number;
  /**
   * Seconds after the deadline that aborted tasks get to let go before a
   * process pool's children are killed (an in-process executor stops waiting
   * instead). Default 5.
   */
  grace?: number;
}

export interface DrainReport {
  /** Tasks that had not started when the drain began: cancelled at once. */
  cancelled: number;
  /** Tasks that settled on their own (completed or failed) during the drain. */
  finished: number;
  /** Tasks still running at the deadline: aborted. */
  aborted: number;
  /** True when the deadline passed with tasks still running. */
  deadlineReached: boolean;
  /** Child processes killed because they still held aborted tasks when the grace ran out. */
  killed: number[];
  /** In-process tasks whose function had not returned when the grace ran out: the drain stopped waiting for them. */
  abandoned: number;
  /** Wall-clock seconds the drain took. */
  seconds: number;
}

/** The cause of the CancelledError of a task that was still queued when drain() began. */
export class DrainCancelledError extends Error {
  override readonly name = 'DrainCancelledError' as const;
  readonly code = 'ERR_DRAIN_CANCELLED' as const;

  constructor() {
    super('cancelled by drain(): the task had not started');
  }
}

/** The cause of the CancelledError of a task that was still running at drain()'s deadline. */
export class DrainDeadlineError extends Error {
  override readonly name = 'DrainDeadlineError' as const;
  readonly code = 'ERR_DRAIN_DEADLINE' as const;

  constructor(readonly deadlineSeconds: number) {
    super(`aborted by drain(): still running at the deadline of ${deadlineSeconds} s`);
  }
}

/** What a drain needs from an executor. */
export interface DrainTarget {
  readonly monitor: ExecutorMonitor;
  /** The executor's own shutdown; with `wait`, resolves once nothing of the executor runs any more. */
  shutdown(options: ShutdownOptions): Promise<void>;
  /**
   * The last resort once the grace is spent. `killed`: child processes were
   * killed, so shutdown's promise will resolve; `abandoned`: nothing can be
   * stopped (in-process work), so the drain stops waiting.
   */
  forceStop(): { killed: number[] } | { abandoned: number };
}

/** One executor's drain: started once, later calls share it. */
export class ExecutorDrain {
  private drain: Promise<DrainReport> | undefined;

  constructor(private readonly target: DrainTarget) {}

  /**
   * Starts the drain, or returns the one already under way (whose options win).
   * @throws TypeError / RangeError (synchronously) naming `deadline` or `grace` when it is not a non-negative number of seconds.
   */
  start(options: DrainOptions = {}): Promise<DrainReport> {
    if (this.drain) return this.drain;
    if (typeof options !== 'object' || options === null) throw new TypeError(`drain(options): options must be an object; got ${String(options)}`);
    const deadline = options.deadline ?? DEFAULT_DRAIN_DEADLINE_SECONDS;
    const deadlineMs = timeoutToMs(deadline, 'drain({ deadline })');
    const graceMs = timeoutToMs(options.grace ?? DEFAULT_DRAIN_GRACE_SECONDS, 'drain({ grace })');
    this.drain = runDrain(this.target, deadline, deadlineMs, graceMs);
    return this.drain;
  }
}

async function runDrain(target: DrainTarget, deadline: number, deadlineMs: number | undefined, graceMs: number | undefined): Promise<DrainReport> {
  const started = performance.now();
  const { monitor } = target;
  const before = monitor.stats([]);
  // Abort the queued ones before shutdown() cancels them, so their futures say why.
  let cancelled = 0;
  const cancelledReason = new DrainCancelledError();
  for (const future of monitor.queuedFutures()) if (future.abort(cancelledReason)) cancelled += 1;
  // Same tick: stops accepting, and cancels what a done callback of the aborts above may have submitted.
  const closed = target.shutdown({ wait: true, cancelFutures: true });

  const report: DrainReport = { cancelled, finished: 0, aborted: 0, deadlineReached: false, killed: [], abandoned: 0, seconds: 0 };
  if (!(await settlesWithin(closed, deadlineMs))) {
    report.deadlineReached = true;
    const reason = new DrainDeadlineError(deadline);
    for (const future of monitor.runningFutures()) if (future.abort(reason)) report.aborted += 1;
    if (!(await settlesWithin(closed, graceMs))) {
      const outcome = target.forceStop();
      if ('killed' in outcome) {
        report.killed = outcome.killed;
        await closed;
      } else {
        report.abandoned = outcome.abandoned;
      }
    }
  }
  const after = monitor.stats([]);
  report.finished = after.completed + after.failed - before.completed - before.failed;
  report.seconds = Math.round(performance.now() - started) / 1000;
  return report;
}
