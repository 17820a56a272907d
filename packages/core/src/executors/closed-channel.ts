/**
 * How a write to a child that went away fails. The executor never calls
 * tinypool's run() (tasks travel on our own lane), so the only sign of a lost
 * child at send time is Node's error for a message sent on a closed IPC
 * channel: its own codes, or the pipe's errno when the reader end closed. The
 * executor settles such a child's tasks from its exit, never as the write's error.
 */

const CLOSED_CHANNEL_CODES = new Set(['ERR_IPC_CHANNEL_CLOSED', 'ERR_IPC_DISCONNECTED', 'EPIPE', 'ECONNRESET']);

export function isClosedChannel(error: unknown): boolean {
  // By code alone: Node's codes name the failure, whatever raised it.
  if (typeof error !== 'object' || error === null) return false;
  return CLOSED_CHANNEL_CODES.has((error as { code?: unknown }).code as string);
}
