/**
 * The child's end of the control lane: messages to the coordinator that
 * tinypool does not carry, and the listener for the coordinator's commands.
 */
import type { ChildMessage, ControlMessage } from './protocol.js';
import { isControlMessage } from './protocol.js';

/**
 * Best effort: a child without an IPC channel (loaded in-process, or whose
 * coordinator is gone) has nobody to tell, and a lost progress note must not
 * fail the task.
 */
export function sendToCoordinator(message: ChildMessage): void {
  if (!process.send || !process.connected) return;
  try {
    process.send(message);
  } catch {
    // The channel closed between the check and the send; the exit handling covers it.
  }
}

let installed = false;

/** Route the coordinator's control messages to `handle`; tinypool's own messages are left to tinypool. */
export function listenForControl(handle: (message: ControlMessage) => void): void {
  if (installed) throw new Error('listenForControl: the control lane already has a listener');
  installed = true;
  process.on('message', (message: unknown) => {
    if (isControlMessage(message)) handle(message);
  });
}
