/**
 * The child's end of our lane on the IPC pipe: messages to the coordinator,
 * and the listener for the coordinator's commands.
 */
import type { ChildEvent, ChildMessage, ControlMessage, ReportMessage } from './protocol.js';
import { isControlMessage } from './protocol.js';
import { packReply } from './reply.js';

/**
 * Best effort: a child without an IPC channel (loaded in-process, or whose
 * coordinator is gone) has nobody to tell; its exit handling covers the rest.
 */
export function sendToCoordinator(message: ChildMessage): void {
  if (!process.send || !process.connected) return;
  try {
    // With a callback, a write that fails later is reported there instead of as an 'error' event.
    process.send(message.__rf === 'report' ? packReport(message) : message, undefined, undefined, () => {});
  } catch {
    // The channel closed between the check and the send.
  }
}

/** Replies cross packed (the serializer's packed-wire.ts says why); other events as they are. */
function packReport(report: ReportMessage): ReportMessage {
  // Appended, not mapped: a mapped array is holey, which v8's serializer writes index by index.
  const events: ChildEvent[] = [];
  for (const event of report.events) events.push(event.type === 'reply' ? { ...event, reply: packReply(event.reply) } : event);
  return { __rf: 'report', pid: report.pid, events };
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
