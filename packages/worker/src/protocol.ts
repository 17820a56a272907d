/**
 * Every message that crosses between the coordinator (ProcessPoolExecutor) and
 * a child process. Two lanes share the child's IPC pipe:
 *
 * - tinypool's lane carries a task (`TaskMessage`) in and its reply
 *   (`TaskReply`) out. The reply is always an envelope, never a throw: tinypool
 *   turns a thrown error into a plain object and the error's class would be lost.
 * - our control lane (`ControlMessage` in, `ChildMessage` out) carries what
 *   tinypool has no words for: "this task started in pid N", progress, "abort
 *   task 7" without killing the child, and the retirement handshake. These
 *   messages carry `__rf` and no `__tinypool_worker_message__`, so tinypool's own
 *   handlers ignore the inbound ones and forward the outbound ones to the task
 *   channel.
 */
import type { FnRef, Wire } from '@requests-futures/serializer';

/** A task as tinypool hands it to the child. `payload` encodes a `TaskPayload`. */
export interface TaskMessage {
  /** Executor-wide task id; control messages name the task by it. */
  readonly id: number;
  readonly payload: Wire;
}

/** What `TaskMessage.payload` decodes to: the function by reference and its arguments. */
export interface TaskPayload {
  readonly fn: FnRef;
  readonly args: unknown[];
}

/** A reply: the encoded value, or the encoded error with its class kept. */
export type TaskReply = { readonly ok: true; readonly value: Wire } | { readonly ok: false; readonly error: Wire };

/** Tag that marks our control lane, beside tinypool's `__tinypool_worker_message__`. */
export const CONTROL_TAG = '__rf';

// ---- child → coordinator (process.send, arrives on the tinypool task channel) ----

/** Sent before the task runs: from now on it has side effects and must not be retried elsewhere. */
export interface StartedMessage {
  readonly __rf: 'started';
  readonly id: number;
  readonly pid: number;
}

/** Forwarded as is from the task context's `progress(bytes)`. */
export interface ProgressMessage {
  readonly __rf: 'progress';
  readonly id: number;
  readonly pid: number;
  readonly bytes: number;
}

/**
 * The child reached its task or memory budget: it starts no new task (the ones
 * tinypool still sends it wait, never started, until the child exits and the
 * coordinator re-dispatches them) and asks to be stopped once its running tasks
 * have replied.
 */
export interface RetiringMessage {
  readonly __rf: 'retiring';
  readonly pid: number;
  readonly reason: string;
}

export type ChildMessage = StartedMessage | ProgressMessage | RetiringMessage;

// ---- coordinator → child (childProcess.send, outside tinypool's protocol) ----

/** Abort one running task; the child and its other tasks carry on. */
export interface AbortMessage {
  readonly __rf: 'abort';
  readonly id: number;
  /** The encoded abort reason, when it could be encoded. */
  readonly reason?: Wire;
}

/** Sent to a retiring child once none of its started tasks is still running. */
export interface ExitMessage {
  readonly __rf: 'exit';
}

export type ControlMessage = AbortMessage | ExitMessage;

function hasTag(message: unknown): message is { __rf: unknown } {
  return typeof message === 'object' && message !== null && CONTROL_TAG in message;
}

export function isChildMessage(message: unknown): message is ChildMessage {
  if (!hasTag(message)) return false;
  const kind = message.__rf;
  return kind === 'started' || kind === 'progress' || kind === 'retiring';
}

export function isControlMessage(message: unknown): message is ControlMessage {
  if (!hasTag(message)) return false;
  return message.__rf === 'abort' || message.__rf === 'exit';
}

/** Command-line flags the coordinator passes to each child (argv keeps them out of the tasks' environment). */
export const MAX_TASKS_FLAG = '--rf-max-tasks-per-child';
export const MAX_MEMORY_FLAG = '--rf-max-memory-per-child-mb';
