/**
 * Every message that crosses between the coordinator (ProcessPoolExecutor) and
 * a child process. tinypool spawns, pipes and replaces the children; the tasks
 * themselves travel on our own lane of the child's IPC pipe, because tinypool's
 * per-task path costs more than a small HTTP request does (measured: a
 * MessagePort hop and a structured clone per task and per reply in the
 * coordinator, and `process.memoryUsage()` per reply in the child, 12 % of a
 * child's CPU on small GETs).
 *
 * Messages carry `__rf` and no `__tinypool_worker_message__`, so tinypool's own
 * handlers ignore them. Each direction batches: the coordinator sends a child
 * every task it dispatches in one pump as one `run` message, and a child sends
 * everything it has to say in one event-loop turn as one `report`, whose
 * events keep the order in which they happened. An IPC message costs a write,
 * a wake-up and a read on the other side, whatever its size.
 */
import type { FnRef, PackedWire, Wire } from '@requests-futures/serializer';

/** A task as the coordinator sends it. `payload` encodes a `TaskPayload` (packed: see the serializer's packed-wire.ts). */
export interface TaskMessage {
  /** Executor-wide task id; everything else names the task by it. */
  readonly id: number;
  readonly payload: Wire | PackedWire;
  /** Somebody in the coordinator listens for this task's progress; absent: its reports may be skipped. */
  readonly progress?: true;
}

/** What `TaskMessage.payload` decodes to: the function by reference and its arguments. */
export interface TaskPayload {
  readonly fn: FnRef;
  readonly args: unknown[];
}

/** A reply: the encoded value, or the encoded error with its class kept. */
export type TaskReply = { readonly ok: true; readonly value: Wire } | { readonly ok: false; readonly error: Wire };

/** A reply as it crosses the pipe: the child's lane packs it (lane-frames.ts) unless its strings are long; decode() reads either form. */
export type PackedReply = { readonly ok: true; readonly value: PackedWire | Wire } | { readonly ok: false; readonly error: PackedWire | Wire };

/** Tag that marks our lane, beside tinypool's `__tinypool_worker_message__`. */
export const CONTROL_TAG = '__rf';

// ---- child → coordinator -------------------------------------------------------

/** The child's lane is listening: until then a message sent to it would be lost (tinypool's listener drops it). */
export interface ReadyMessage {
  readonly __rf: 'ready';
  readonly pid: number;
}

/** Everything a child had to say in one event-loop turn, in order. */
export interface ReportMessage {
  readonly __rf: 'report';
  readonly pid: number;
  readonly events: readonly ChildEvent[];
}

/**
 * Sent every heartbeat interval while the child holds tasks, so that the
 * coordinator can tell a busy child from a stopped or wedged one (its event
 * loop blocked, or SIGSTOPped). Any other message counts as a sign of life too.
 */
export interface AliveMessage {
  readonly __rf: 'alive';
  readonly pid: number;
}

export type ChildMessage = ReadyMessage | ReportMessage | AliveMessage;

/**
 * Sent before the task runs (the report carrying it leaves before any task of
 * its batch starts): from now on the task has side effects and must not be
 * retried elsewhere if the child dies.
 */
export interface StartedEvent {
  readonly type: 'started';
  readonly id: number;
}

/** A retiring child does not start this task: the coordinator sends it elsewhere. */
export interface DeclinedEvent {
  readonly type: 'declined';
  readonly id: number;
}

/** Forwarded as is from the task context's `progress(bytes)`. */
export interface ProgressEvent {
  readonly type: 'progress';
  readonly id: number;
  readonly bytes: number;
  /** The body's size, when its headers declared it (identity Content-Length). */
  readonly total?: number;
}

export interface ReplyEvent {
  readonly type: 'reply';
  readonly id: number;
  readonly reply: TaskReply | PackedReply;
  /**
   * Bodies the value refers to (`TaskContext.exportStream`), streamed after
   * this reply as `body` events; the coordinator cancels them if nobody takes the value.
   */
  readonly streams?: readonly number[];
}

/**
 * One piece of an exported stream. A child sends at most `STREAM_WINDOW_BYTES`
 * beyond what the coordinator has credited back, then stops reading its source.
 */
export interface BodyEvent {
  readonly type: 'body';
  readonly stream: number;
  readonly bytes: Uint8Array;
}

export interface BodyEndEvent {
  readonly type: 'body-end';
  readonly stream: number;
}

/** The source failed: `error` is encoded as a reply's error is (and packed on the pipe, as a reply's). */
export interface BodyErrorEvent {
  readonly type: 'body-error';
  readonly stream: number;
  readonly error: Wire | PackedWire;
}

export type StreamEvent = BodyEvent | BodyEndEvent | BodyErrorEvent;

/**
 * The child reached its task or memory budget: it starts no new task (it
 * declines them) and asks to be stopped once its running tasks have replied.
 */
export interface RetiringEvent {
  readonly type: 'retiring';
  readonly reason: string;
}

/**
 * Under `maxBytesPerSecond`: the child's tasks have read more body bytes than
 * it was granted; it asks for this many (its debt plus a batch, see
 * byte-allowance.ts) and reads no more until a `grant` arrives.
 */
export interface BytesWantedEvent {
  readonly type: 'bytes-wanted';
  readonly bytes: number;
}

/** Under `maxBytesPerSecond`: granted bytes the child no longer needs (it has no task left), back to the bucket. */
export interface BytesReturnedEvent {
  readonly type: 'bytes-returned';
  readonly bytes: number;
}

/**
 * The child started sending a request whose body the coordinator offered
 * (`offerUpload`): `upload` is the offer's token, `stream` the id this child
 * gives the body. The coordinator may send `STREAM_WINDOW_BYTES` at once.
 */
export interface UploadOpenEvent {
  readonly type: 'upload-open';
  readonly upload: string;
  readonly stream: number;
}

/** The child's request took `bytes` of the body: the coordinator may send that much more. */
export interface UploadCreditEvent {
  readonly type: 'upload-credit';
  readonly stream: number;
  readonly bytes: number;
}

/** The child will read no more of the body (its request ended or was aborted): the coordinator stops reading the source. */
export interface UploadCancelEvent {
  readonly type: 'upload-cancel';
  readonly stream: number;
}

export type UploadEvent = UploadOpenEvent | UploadCreditEvent | UploadCancelEvent;

export function isUploadEvent(event: ChildEvent): event is UploadEvent {
  return event.type === 'upload-open' || event.type === 'upload-credit' || event.type === 'upload-cancel';
}

export type ChildEvent =
  | UploadEvent
  | StartedEvent
  | DeclinedEvent
  | ProgressEvent
  | ReplyEvent
  | RetiringEvent
  | BytesWantedEvent
  | BytesReturnedEvent
  | StreamEvent;

export function isStreamEvent(event: ChildEvent): event is StreamEvent {
  return event.type === 'body' || event.type === 'body-end' || event.type === 'body-error';
}

/** What a child may send of one exported stream before the coordinator credits any of it back. */
export const STREAM_WINDOW_BYTES = 1024 * 1024;

// ---- coordinator → child -------------------------------------------------------

/** Tasks to start now, in order. */
export interface RunMessage {
  readonly __rf: 'run';
  readonly tasks: readonly TaskMessage[];
}

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

/** The coordinator's consumer took `bytes` of this stream: the child may send that much more. */
export interface CreditMessage {
  readonly __rf: 'credit';
  readonly stream: number;
  readonly bytes: number;
}

/** Nobody will read the rest of this stream: the child destroys its source (releasing its connection). */
export interface CancelStreamMessage {
  readonly __rf: 'cancel-stream';
  readonly stream: number;
}

/** The coordinator's token bucket paid for bytes the child asked for (`bytes-wanted`). */
export interface GrantMessage {
  readonly __rf: 'grant';
  readonly bytes: number;
}

/** One piece of an uploaded body (the reverse of `BodyEvent`), within the credit the child gave. */
export interface UploadChunkMessage {
  readonly __rf: 'upload';
  readonly stream: number;
  readonly bytes: Uint8Array;
}

export interface UploadEndMessage {
  readonly __rf: 'upload-end';
  readonly stream: number;
}

/** The coordinator's source failed (or the offer was gone): `error` is encoded as a reply's error is. */
export interface UploadErrorMessage {
  readonly __rf: 'upload-error';
  readonly stream: number;
  readonly error: Wire;
}

export type UploadMessage = UploadChunkMessage | UploadEndMessage | UploadErrorMessage;

export type ControlMessage = RunMessage | AbortMessage | ExitMessage | GrantMessage | CreditMessage | CancelStreamMessage | UploadMessage;

function hasTag(message: unknown): message is { __rf: unknown } {
  return typeof message === 'object' && message !== null && CONTROL_TAG in message;
}

export function isChildMessage(message: unknown): message is ChildMessage {
  if (!hasTag(message)) return false;
  const kind = message.__rf;
  return kind === 'ready' || kind === 'report' || kind === 'alive';
}

export function isControlMessage(message: unknown): message is ControlMessage {
  if (!hasTag(message)) return false;
  const kind = message.__rf;
  return (
    kind === 'run' || kind === 'abort' || kind === 'exit' || kind === 'grant' || kind === 'credit' || kind === 'cancel-stream' ||
    kind === 'upload' || kind === 'upload-end' || kind === 'upload-error'
  );
}

/** Command-line flags the coordinator passes to each child (argv keeps them out of the tasks' environment). */
export const MAX_TASKS_FLAG = '--rf-max-tasks-per-child';
export const MAX_MEMORY_FLAG = '--rf-max-memory-per-child-mb';
/** The coordinator's pid, so that a child whose coordinator died before it even started still notices. */
export const COORDINATOR_PID_FLAG = '--rf-coordinator-pid';
/** Milliseconds between a busy child's heartbeats (absent: the child sends none). */
export const HEARTBEAT_FLAG = '--rf-heartbeat-ms';
/** Present when the executor limits body bytes per second: the size of the batches a child asks for. */
export const BYTE_GRANT_FLAG = '--rf-byte-grant-bytes';
/** The URL of the module whose `callTask` runs each task in its context (core's task-context.ts; task-runner.ts). */
export const TASK_RUNNER_FLAG = '--rf-task-runner';
