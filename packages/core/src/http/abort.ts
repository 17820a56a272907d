import type { TaskContext } from '../task-context.js';

/**
 * What a request needs of its task's abort: its task context's own members.
 * The engine watches `aborted` and `onAbort`, which a pool child serves
 * without making the task's AbortSignal (a plain GET, a retry's backoff); only
 * an abort's reason reads `signal`, which is made by then.
 * A listener takes the reason rather than the context: a streamed body's
 * stream holds its listener until read, and the thread pool's context holds
 * the future, whose result is the response the stream must not keep alive.
 */
export type AbortWatch = Pick<TaskContext, 'aborted' | 'onAbort' | 'signal'>;

/** What an aborted request rejects with: the abort reason itself when it is an Error. */
export function abortError(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  const error = new Error(reason === undefined ? 'This operation was aborted' : `This operation was aborted: ${String(reason)}`, {
    cause: reason,
  });
  error.name = 'AbortError';
  return error;
}

/** Reads the task's signal only once it is aborted, when a pool child has made it anyway. */
export function throwIfTaskAborted(abort: AbortWatch): void {
  if (abort.aborted) throw abortError(abort.signal.reason);
}
