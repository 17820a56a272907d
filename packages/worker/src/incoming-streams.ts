/**
 * The reading end of credit-paced streams, and the coordinator's end of the streams a child exports (outgoing-streams.ts).
 * Each becomes a Readable here, fed by the child's `body` events and paced by
 * credit: the child may run `STREAM_WINDOW_BYTES` ahead of what this side's
 * consumer has taken, and gets credit back only as chunks leave for the
 * consumer. A slow consumer therefore stops the child reading its socket, and
 * neither process holds more than about a window of the body.
 */
import { Readable } from 'node:stream';
import { STREAM_WINDOW_BYTES, type ControlMessage, type StreamEvent } from './protocol.js';

/** Credit goes back in steps, not per chunk: one IPC message per quarter window. */
const CREDIT_STEP_BYTES = STREAM_WINDOW_BYTES / 4;

/**
 * tinypool unrefs its children, so a consumer awaiting the next chunk would
 * let Node exit (code 13) mid-body: one ref'd timer holds the event loop while
 * some consumer waits for data, and only then (a body nobody reads holds nothing).
 */
let waitingConsumers = 0;
let hold: NodeJS.Timeout | undefined;
function setWaiting(delta: 1 | -1): void {
  waitingConsumers += delta;
  if (waitingConsumers > 0) hold ??= setInterval(() => {}, 1 << 30);
  else if (hold !== undefined) {
    clearInterval(hold);
    hold = undefined;
  }
}

/** The sending side, as the reading side talks to it. */
export interface StreamPeer {
  credit(bytes: number): void;
  cancel(): void;
}

/**
 * The reading end of one credit-paced stream: a Readable fed by `receive`,
 * which credits what its consumer took back to the sender (in the coordinator
 * for response bodies, in a child for uploads: upload-streams.ts).
 */
export class IncomingStream extends Readable {
  private readonly queue: Uint8Array[] = [];
  private wanted = false;
  private waiting = false;
  private ended = false;
  /** The child said end or error: nothing to credit or cancel any more. */
  private finished = false;
  private uncredited = 0;

  constructor(
    private readonly peer: StreamPeer,
    private readonly onGone: () => void,
  ) {
    super({ highWaterMark: 64 * 1024 });
    // A body nobody reads yet may still fail: its reader (iteration, read()) sees the error; it must not be an unhandled 'error' event.
    this.on('error', () => {});
  }

  receive(bytes: Uint8Array): void {
    this.queue.push(bytes);
    this.deliver();
  }

  receiveEnd(): void {
    this.ended = true;
    this.finished = true;
    this.deliver();
  }

  receiveError(error: unknown): void {
    this.finished = true;
    this.destroy(error instanceof Error ? error : new Error(String(error)));
  }

  override _read(): void {
    this.wanted = true;
    this.deliver();
  }

  private deliver(): void {
    while (this.wanted && this.queue.length > 0) {
      const chunk = this.queue.shift()!;
      this.uncredited += chunk.byteLength;
      this.wanted = this.push(chunk);
    }
    if (!this.finished && this.uncredited >= CREDIT_STEP_BYTES) {
      this.peer.credit(this.uncredited);
      this.uncredited = 0;
    }
    if (this.ended && this.queue.length === 0 && this.wanted) {
      this.wanted = false;
      this.push(null);
    }
    this.setWaiting(this.wanted && !this.ended);
  }

  private setWaiting(waiting: boolean): void {
    if (waiting === this.waiting) return;
    this.waiting = waiting;
    setWaiting(waiting ? 1 : -1);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.setWaiting(false);
    this.queue.length = 0;
    if (!this.finished) {
      this.finished = true;
      this.peer.cancel();
    }
    this.onGone();
    callback(error);
  }
}

/** How a Response names a body that streams from a child: unique among live children. */
export function streamToken(pid: number, stream: number): string {
  return `${pid}:${stream}`;
}

/** Opened by an executor, not yet taken by whoever decoded the value that names them. */
const unclaimed = new Map<string, IncomingStream>();

/** The body a decoded value names by `token`, once: a second claim gets undefined. */
export function claimIncomingStream(token: string): Readable | undefined {
  const stream = unclaimed.get(token);
  unclaimed.delete(token);
  return stream;
}

/** One executor's incoming streams, by child and stream id. */
export class IncomingStreams {
  private readonly byChild = new Map<number, Map<number, IncomingStream>>();

  constructor(
    private readonly send: (pid: number, message: ControlMessage) => void,
    private readonly decodeError: (error: StreamEvent & { type: 'body-error' }) => unknown,
  ) {}

  /** The streams a reply names, before their first chunk can arrive. */
  open(pid: number, ids: readonly number[]): void {
    let streams = this.byChild.get(pid);
    if (streams === undefined) this.byChild.set(pid, (streams = new Map()));
    for (const id of ids) {
      const token = streamToken(pid, id);
      const stream = new IncomingStream(
        {
          credit: (bytes) => this.send(pid, { __rf: 'credit', stream: id, bytes }),
          cancel: () => this.send(pid, { __rf: 'cancel-stream', stream: id }),
        },
        () => {
          unclaimed.delete(token);
          this.forget(pid, id);
        },
      );
      streams.set(id, stream);
      unclaimed.set(token, stream);
    }
  }

  receive(pid: number, event: StreamEvent): void {
    const stream = this.byChild.get(pid)?.get(event.stream);
    if (stream === undefined) return; // cancelled here meanwhile
    if (event.type === 'body') stream.receive(event.bytes);
    else if (event.type === 'body-end') stream.receiveEnd();
    else stream.receiveError(this.decodeError(event));
  }

  /** Nobody took the value that names these streams (its future was already cancelled). */
  cancel(pid: number, ids: readonly number[]): void {
    for (const id of ids) this.byChild.get(pid)?.get(id)?.destroy();
  }

  /** The child went away: its bodies fail with `error` where they stand. */
  childLost(pid: number, error: unknown): void {
    const streams = this.byChild.get(pid);
    if (streams === undefined) return;
    for (const stream of [...streams.values()]) stream.receiveError(error);
    this.byChild.delete(pid);
  }

  /** Streams still open, of every child. */
  get size(): number {
    let size = 0;
    for (const streams of this.byChild.values()) size += streams.size;
    return size;
  }

  private forget(pid: number, id: number): void {
    const streams = this.byChild.get(pid);
    streams?.delete(id);
    if (streams?.size === 0) this.byChild.delete(pid);
  }
}
