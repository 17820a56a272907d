import { TASK_ABORT } from '@requests-futures/worker';
import type { TaskContext } from '../task-context.js';

/** Whether a request's task was aborted, and why: an AbortSignal, or a pool child's TaskAbort. */
export interface AbortState {
  readonly aborted: boolean;
  readonly reason: unknown;
}

/**
 * What a request needs of its task's abort. A pool child hands over its
 * TaskAbort (worker running-tasks.ts), which makes the task's AbortSignal
 * only if something reads it: a plain GET never does, and Node's
 * AbortController plus an 'abort' listener per request were ≈8 % of a fresh
 * child's CPU. Elsewhere the task's own signal serves.
 */
export interface AbortWatch extends AbortState {
  /** Made on first read where the watch is a child's (a retry's sleep reads it). */
  readonly signal: AbortSignal;
  /** Calls `onAbort` once, when the task is aborted; what it returns stops listening. */
  listen(onAbort: () => void): () => void;
}

class SignalWatch implements AbortWatch {
  constructor(readonly signal: AbortSignal) {}

  get aborted(): boolean {
    return this.signal.aborted;
  }

  get reason(): unknown {
    return this.signal.reason;
  }

  listen(onAbort: () => void): () => void {
    const signal = this.signal;
    signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  }
}

export function abortWatchOf(task: TaskContext): AbortWatch {
  return (task as { readonly [TASK_ABORT]?: AbortWatch })[TASK_ABORT] ?? new SignalWatch(task.signal);
}

/** What an aborted request rejects with: the abort reason itself when it is an Error. */
export function abortError(signal: AbortState): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(reason === undefined ? 'This operation was aborted' : `This operation was aborted: ${String(reason)}`, {
    cause: reason,
  });
  error.name = 'AbortError';
  return error;
}

export function throwIfAborted(signal: AbortState | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}
