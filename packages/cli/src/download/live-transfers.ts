/**
 * The downloads in flight and the body bytes each has received so far, fed by
 * the executor's `bytes` events (every 256 KiB and at the end), so progress
 * moves while a large file downloads instead of jumping when it completes.
 * Memory: one record per download in flight (at most -j).
 */
import { performance } from 'node:perf_hooks';

export interface LiveTransfer {
  /** The file's path relative to DIR; null when the event's future carries no meta (held by --max-per-host). */
  path: string | null;
  bytes: number;
  startedAt: number;
}

export class LiveTransfers {
  private readonly transfers = new Map<object, LiveTransfer>();
  private sum = 0;

  /** A `bytes` event: `bytes` is the download's cumulative count. */
  update(task: object, path: string | null, bytes: number): void {
    const known = this.transfers.get(task);
    if (known) {
      this.sum += bytes - known.bytes;
      known.bytes = bytes;
      return;
    }
    this.transfers.set(task, { path, bytes, startedAt: performance.now() });
    this.sum += bytes;
  }

  /** The download ended: its bytes now belong to the tally (as transferred) or are gone (failed). */
  finish(task: object): void {
    const known = this.transfers.get(task);
    if (!known) return;
    this.sum -= known.bytes;
    this.transfers.delete(task);
  }

  has(task: object): boolean {
    return this.transfers.has(task);
  }

  /** Bytes received by downloads that have not finished yet. */
  get bytes(): number {
    return this.sum;
  }

  get count(): number {
    return this.transfers.size;
  }

  list(): LiveTransfer[] {
    return [...this.transfers.values()];
  }
}
