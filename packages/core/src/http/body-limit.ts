/**
 * Counting body bytes as they arrive (after decompression) against
 * `maxResponseBytes`, and reporting progress to whoever asked for it.
 */
import type { Readable } from 'node:stream';
import { ContentTooLarge, type RequestInfo } from './errors.js';

/** Progress is worth reporting once this many new bytes arrived. */
const PROGRESS_STEP_BYTES = 256 * 1024;
/**
 * And at most once per this many milliseconds per response, the latest count
 * following when the interval ends (so a stalled body's count is still
 * current). Each report is an IPC message from a child to the coordinator:
 * by bytes alone a 256 MiB download sent 1,024 of them.
 */
const PROGRESS_INTERVAL_MS = 100;

export class BodyCounter {
  bytes = 0;
  private reported = 0;
  private reportedAt = -Infinity;
  private trailing: NodeJS.Timeout | undefined;
  constructor(
    private readonly maxBytes: number | null | undefined,
    private readonly request: RequestInfo,
    private readonly progress?: ((bytes: number) => void) | undefined,
  ) {}

  /** Counts a chunk; throws ContentTooLarge once the total passes the cap. */
  add(chunk: Uint8Array): void {
    this.bytes += chunk.byteLength;
    if (this.maxBytes !== undefined && this.maxBytes !== null && this.bytes > this.maxBytes) {
      this.stop();
      throw new ContentTooLarge(
        `Response body exceeds maxResponseBytes=${this.maxBytes} (${this.bytes} bytes received so far): ${this.request.method} ${this.request.url}`,
        { request: this.request },
      );
    }
    if (this.progress && this.trailing === undefined && this.bytes - this.reported >= PROGRESS_STEP_BYTES) this.reportOrDefer();
  }

  /** Reports the cumulative byte count received for this response. */
  finish(): void {
    this.stop();
    if (this.progress && this.bytes !== this.reported) this.report();
  }

  /** No more reports (the body failed or is done). */
  stop(): void {
    if (this.trailing === undefined) return;
    clearTimeout(this.trailing);
    this.trailing = undefined;
  }

  private reportOrDefer(): void {
    const wait = this.reportedAt + PROGRESS_INTERVAL_MS - performance.now();
    if (wait <= 0) {
      this.report();
      return;
    }
    this.trailing = setTimeout(() => {
      this.trailing = undefined;
      this.report();
    }, wait);
    // A pending report must not keep a process alive.
    this.trailing.unref();
  }

  private report(): void {
    this.reported = this.bytes;
    this.reportedAt = performance.now();
    try {
      this.progress?.(this.bytes);
    } catch {
      // Progress is advisory: a closed channel must not fail the request.
    }
  }
}

/** The readable side of a response (got's stream): read by iteration or by its events, destroyable to stop the transfer. */
export type BodyStream = Readable;
