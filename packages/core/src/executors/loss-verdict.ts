/**
 * What becomes of a task whose child died: a task the child announced as
 * started may have had effects, so it fails with BrokenProcessPool; one it
 * never started is retried elsewhere, a few times at most.
 */
import { BrokenProcessPool, type ChildExit } from './broken-process-pool.js';

/** A task may meet this many dying children before it starts; then it fails (a child that cannot start is a broken pool). */
const MAX_LOSSES_BEFORE_START = 2;

/** The task as the verdict reads it (PoolTask). */
export interface LostTask {
  readonly started: boolean;
  /** Children that died holding it before it started (retirements not counted); judgeLoss counts this one. */
  lostBeforeStart: number;
}

/** The dead child as the verdict reads it (ChildSlot). */
export interface LostChild {
  readonly retiring: boolean;
  /** Set when the liveness check killed it: after how many ms of silence (or of starting, for a child never ready). */
  readonly unresponsiveAfterMs: number | undefined;
}

/** Started tasks break (as unresponsive if the liveness check killed the child); the others are retried a few times. */
export function judgeLoss(task: LostTask, child: LostChild, exit: ChildExit): BrokenProcessPool | 'retry' {
  if (task.started) {
    const silentMs = child.unresponsiveAfterMs;
    return silentMs === undefined ? BrokenProcessPool.whileRunning(exit) : BrokenProcessPool.unresponsive(exit, silentMs);
  }
  // A retiring child's exit is no failure: what it held unstarted simply goes elsewhere.
  if (child.retiring) return 'retry';
  task.lostBeforeStart += 1;
  if (task.lostBeforeStart <= MAX_LOSSES_BEFORE_START) return 'retry';
  return BrokenProcessPool.beforeStart(task.lostBeforeStart, exit, undefined, child.unresponsiveAfterMs);
}
