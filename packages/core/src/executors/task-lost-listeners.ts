/** ProcessPoolExecutor.onTaskLost(): who hears of a task whose child died while running it. */
import type { Future } from '../futures/future.js';
import { reportCallbackError } from '../futures/report-callback-error.js';
import type { BrokenProcessPool } from './broken-process-pool.js';

/**
 * Called when the child running a task died, before the task's future fails
 * with `error`; the future settles once the listener's promise does. A killed
 * child cleans nothing up: this is where its submitter can (e.g. a half-written file).
 */
export type TaskLostListener = (future: Future<unknown>, error: BrokenProcessPool) => void | Promise<void>;

export class TaskLostListeners {
  private readonly listeners = new Set<TaskLostListener>();

  /** Returns the unsubscribe. */
  add(listener: TaskLostListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Resolves once every listener has finished; never rejects. */
  async tell(future: Future<unknown>, error: BrokenProcessPool): Promise<void> {
    const told = [...this.listeners].map(async (listener) => {
      try {
        await listener(future, error);
      } catch (failure) {
        // A listener is user code: its failure must not change the task's verdict.
        reportCallbackError(failure, 'a ProcessPoolExecutor task-lost listener');
      }
    });
    await Promise.all(told);
  }
}
