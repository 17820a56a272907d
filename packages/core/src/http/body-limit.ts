/**
 * Counting body bytes as they arrive (after decompression) against
 * `maxResponseBytes`, and reporting progress to the task context.
 */
import { currentTask } from '@requests-futures/worker';
import { ContentTooLarge, type RequestInfo } from './errors.js';

/** Progress is reported at most once per this many bytes (plus at the end), so a child does not flood the IPC channel. */
const PROGRESS_STEP_BYTES = 256 * 1024;

export class BodyCounter {
  bytes = 0;
  private reported = 0;
  private readonly progress = currentTask()?.progress;

  constructor(
    private readonly maxBytes: number | null | undefined,
    private readonly request: RequestInfo,
  ) {}

  /** Counts a chunk; throws ContentTooLarge once the total passes the cap. */
  add(chunk: Uint8Array): void {
    this.bytes += chunk.byteLength;
    if (this.maxBytes !== undefined && this.maxBytes !== null && this.bytes > this.maxBytes) {
      throw new ContentTooLarge(
        `Response body exceeds maxResponseBytes=${this.maxBytes} (${this.bytes} bytes received so far): ${this.request.method} ${this.request.url}`,
        { request: this.request },
      );
    }
    if (this.progress && this.bytes - this.reported >= PROGRESS_STEP_BYTES) this.report();
  }

  /** Reports the cumulative byte count received for this response. */
  finish(): void {
    if (this.progress && this.bytes !== this.reported) this.report();
  }

  private report(): void {
    this.reported = this.bytes;
    try {
      this.progress?.(this.bytes);
    } catch {
      // Progress is advisory: a closed channel must not fail the request.
    }
  }
}

/** The readable side of a response: async-iterable chunks, destroyable to stop the transfer. */
export interface BodyStream extends AsyncIterable<Uint8Array> {
  destroy(error?: Error): unknown;
}
