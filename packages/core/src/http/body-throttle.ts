/**
 * A response body read under the executor's `maxBytesPerSecond`: each chunk
 * is paid for as it arrives, and while the budget is in debt the stream is
 * paused. A paused got stream stops reading its socket once its buffer is
 * full, so the server's sends stall in TCP (real backpressure; nothing is
 * buffered beyond the stream's and the kernel's own buffers).
 *
 * The stream may be paused for other reasons too (a full write batch, see
 * body-pump.ts): a reader resumes it only when neither holds it, and tells
 * the throttle through `onRelease` how to resume once the budget allows.
 */
import { pipeline, Transform, type Readable } from 'node:stream';
import type { ByteBudget } from '../task-context.js';
import type { BodyStream } from './body-limit.js';

export class BodyThrottle {
  /** Called when the budget stops holding the stream (the reader resumes it unless something else holds it). */
  onRelease: (() => void) | undefined;
  private waiting: Promise<void> | undefined;

  constructor(
    private readonly stream: BodyStream,
    private readonly budget: ByteBudget | undefined,
  ) {}

  /** True while the budget holds the stream paused. */
  get holding(): boolean {
    return this.waiting !== undefined;
  }

  /**
   * Resolves once every chunk read so far is paid for: a body that ended in
   * debt (a small file in one chunk) completes only then, or small files
   * would never wait.
   */
  async paid(): Promise<void> {
    while (this.waiting !== undefined) await this.waiting;
  }

  /** Pays for a chunk that arrived; pauses the stream until the budget allows more. */
  pay(bytes: number): void {
    const wait = this.budget?.spend(bytes);
    if (wait === undefined) return;
    this.stream.pause();
    const current = wait.then(() => {
      if (this.waiting !== current) return;
      this.waiting = undefined;
      this.onRelease?.();
    });
    this.waiting = current;
  }
}

/** Waits for the budget after each chunk of a body read by iteration (not reading is the pause). */
export async function payAndWait(budget: ByteBudget | undefined, bytes: number): Promise<void> {
  const wait = budget?.spend(bytes);
  if (wait !== undefined) await wait;
}

/**
 * A `stream: true` body under the budget: each chunk is paid for before it is
 * handed on, and the next is not taken meanwhile, so the socket stalls as it
 * does for the other readers. Whoever reads it later (the caller, or a child's
 * export to the coordinator) reads at the executor's rate; destroying the
 * result destroys `source` (the connection is released).
 */
export function throttledStream(source: Readable, budget: ByteBudget): Readable {
  const paced = new Transform({
    transform(chunk: Uint8Array, _encoding, callback) {
      const wait = budget.spend(chunk.byteLength);
      if (wait === undefined) callback(null, chunk);
      else wait.then(() => callback(null, chunk), callback);
    },
  });
  // Errors reach the reader through `paced`; pipeline destroys the source when `paced` is destroyed.
  pipeline(source, paced, () => {});
  return paced;
}
