/**
 * How a lost child shows itself: tinypool's messages when a child died or was
 * terminated under a task, and Node's errors for a message sent to a child
 * whose IPC channel had just closed (the child is gone, or its end of the pipe
 * has no reader any more). All of them mean "the child went away", which the
 * executor settles from the child's exit, never as the task's own error.
 */

/** tinypool 2.2's messages when a child died ('exit') or was terminated under a task (destroy/recycle). */
const CHILD_LOSS_MESSAGES = new Set(['Worker exited unexpectedly', 'Terminating worker thread']);

/** A write to a closed IPC channel: Node's own code, and the pipe's errno when the reader end closed. */
const CLOSED_CHANNEL_CODES = new Set(['ERR_IPC_CHANNEL_CLOSED', 'ERR_IPC_DISCONNECTED', 'EPIPE', 'ECONNRESET']);

export function isChildLoss(error: unknown): boolean {
  // Not instanceof: the coordinator may live in another realm than tinypool (a vm context).
  if (typeof error !== 'object' || error === null) return false;
  const { message, code } = error as { message?: unknown; code?: unknown };
  return CHILD_LOSS_MESSAGES.has(message as string) || CLOSED_CHANNEL_CODES.has(code as string);
}
