/**
 * The downloads in flight and the body bytes each has received so far, fed by
 * the executor's `bytes` events (every 256 KiB, at most every 100 ms, and at
 * the end), so progress moves while a large file downloads instead of jumping
 * when it completes. An event also carries the body's declared size when the
 * server sent one, from which a download's share and ETA follow.
 * Memory: one record per download in flight (at most -j).
 */
import { performance } from 'node:perf_hooks';

export interface LiveTransfer {
  /** The file's path relative to DIR; null when the event's future carries no meta (held by --max-per-host). */
  path: string | null;
  bytes: number;
  /** The body's declared size (identity Content-Length; a resumed download's remainder); null when unknown. */
  total: number | null;
  /** When the first event arrived, and the bytes it reported: the rate counts from there. */
  firstAt: number;
  firstBytes: number;
  /** When the latest event arrived. */
  lastAt: number;
}

/** A download's rate (bytes a second) since its first event; null until a second event spans some time. */
export function transferRate(transfer: LiveTransfer): number | null {
  const seconds = (transfer.lastAt - transfer.firstAt) / 1000;
  return seconds > 0 ? (transfer.bytes - transfer.firstBytes) / seconds : null;
}

/** Milliseconds until a download ends at its rate so far; null without a declared size or a rate. */
export function transferEtaMs(transfer: LiveTransfer): number | null {
  const rate = transferRate(transfer);
  if (transfer.total === null || rate === null || rate <= 0) return null;
  return (Math.max(0, transfer.total - transfer.bytes) / rate) * 1000;
}

export class LiveTransfers {
  private readonly transfers = new Map<object, LiveTransfer>();
  private sum = 0;

  /** A `bytes` event: `bytes` is the download's cumulative count, `total` its declared size when known. */
  update(task: object, path: string | null, bytes: number, total?: number): void {
    const now = performance.now();
    const known = this.transfers.get(task);
    if (known) {
      this.sum += bytes - known.bytes;
      known.bytes = bytes;
      known.lastAt = now;
      if (total !== undefined) known.total = total;
      return;
    }
    this.transfers.set(task, { path, bytes, total: total ?? null, firstAt: now, firstBytes: bytes, lastAt: now });
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
