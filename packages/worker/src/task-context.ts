/**
 * The context of the task that is running now. Both executors run every task
 * inside `runInTaskContext`, so code deep inside a task (the HTTP engine) can
 * find its abort signal without it being threaded through every call, in the
 * coordinator and in a child process alike.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface TaskContext {
  /** Aborted when the task's future is aborted (`future.abort()`, `close({ abort: true })`). */
  readonly signal: AbortSignal;
  /** Executor-wide task id. */
  readonly taskId: number;
  /** Report progress (bytes received) to the coordinator; a no-op where nobody listens. */
  readonly progress: (bytes: number) => void;
}

const storage = new AsyncLocalStorage<TaskContext>();

export function runInTaskContext<R>(context: TaskContext, fn: () => R): R {
  return storage.run(context, fn);
}

export function currentTask(): TaskContext | undefined {
  return storage.getStore();
}
