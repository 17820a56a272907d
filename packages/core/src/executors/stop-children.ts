/**
 * How ProcessPoolExecutor stops children by force (bounded abort, shutdown's
 * last step, terminateWorkers(), killWorkers(), drain()'s last resort, the
 * liveness check). Only signals: the child's exit, seen by WorkerTracker,
 * settles what it held.
 */
import type { WorkerTracker } from './worker-tracker.js';

/** A child sent SIGTERM gets this long to exit before SIGKILL: a stopped child never handles SIGTERM. */
const KILL_AFTER_TERM_MS = 1000;

/** SIGTERM now, SIGKILL after KILL_AFTER_TERM_MS to those of `pids` still alive, unless `until` settles first. */
export function terminateChildren(tracker: WorkerTracker, pids: readonly number[], until: Promise<void>): void {
  if (pids.length === 0) return;
  for (const pid of pids) tracker.child(pid)?.kill('SIGTERM');
  const timer = setTimeout(() => killChildren(tracker, pids), KILL_AFTER_TERM_MS);
  void until.finally(() => clearTimeout(timer));
}

/** SIGKILL to those of `pids` still alive. */
export function killChildren(tracker: WorkerTracker, pids: readonly number[]): void {
  for (const pid of pids) tracker.child(pid)?.kill('SIGKILL');
}
