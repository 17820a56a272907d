/**
 * What tinypool's run() rejects with. Our worker never throws (it replies with an
 * envelope), so a rejection means the child went away or tinypool itself failed.
 */

/** tinypool 2.2's messages when a child died ('exit') or was terminated under a task (destroy/recycle). */
const CHILD_LOSS_MESSAGES = new Set(['Worker exited unexpectedly', 'Terminating worker thread']);

export function isChildLoss(error: unknown): boolean {
  // Not instanceof: the coordinator may live in another realm than tinypool (a vm context).
  return typeof error === 'object' && error !== null && CHILD_LOSS_MESSAGES.has((error as { message?: unknown }).message as string);
}

/** tinypool passes a child-side failure through as a plain `{ name, message, stack }`: give it back a class. */
export function asError(value: unknown): Error {
  if (value instanceof Error || Object.prototype.toString.call(value) === '[object Error]') return value as Error;
  if (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string') {
    const plain = value as { name?: unknown; message: string; stack?: unknown };
    const error = new Error(plain.message);
    if (typeof plain.name === 'string') error.name = plain.name;
    if (typeof plain.stack === 'string') error.stack = plain.stack;
    return error;
  }
  return new Error(`tinypool rejected the task with ${String(value)}`);
}
