/**
 * The child's end of our lane on the IPC pipe: messages to the coordinator,
 * and the listener for the coordinator's commands.
 */
import type { ChildMessage, ControlMessage } from './protocol.js';
import { isControlMessage } from './protocol.js';
import { frameReport, isRunFrame, unframeRun } from './lane-frames.js';

/**
 * Best effort: a child without an IPC channel (loaded in-process, or whose
 * coordinator is gone) has nobody to tell; its exit handling covers the rest.
 */
export function sendToCoordinator(message: ChildMessage): void {
  if (!process.send || !process.connected) return;
  // A report crosses as a frame (lane-frames.ts says why); framed outside the try, so that a bug there is not taken for a closed channel.
  const crossing = message.__rf === 'report' ? frameReport(message) : message;
  try {
    // With a callback, a write that fails later is reported there instead of as an 'error' event.
    process.send(crossing, undefined, undefined, () => {});
  } catch {
    // The channel closed between the check and the send.
  }
}

let installed = false;

/** Route the coordinator's control messages to `handle`; tinypool's own messages are left to tinypool. */
export function listenForControl(handle: (message: ControlMessage) => void): void {
  if (installed) throw new Error('listenForControl: the control lane already has a listener');
  installed = true;
  process.on('message', (message: unknown) => {
    if (isControlMessage(message)) handle(isRunFrame(message) ? unframeRun(message) : message);
  });
}
