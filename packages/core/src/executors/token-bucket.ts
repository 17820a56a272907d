/**
 * The coordinator's `maxBytesPerSecond`: one token bucket shared by every
 * task of an executor, in this process directly (ThreadPoolExecutor) or
 * through the children's grants (ProcessPoolExecutor, byte-grants.ts).
 *
 * Bytes are paid for after they arrived (a reader cannot know a chunk's size
 * before reading it), so the level may go below zero; whoever spent then
 * waits until it is back at zero. Everyone waiting is woken together, so
 * concurrent downloads share the rate rather than queue behind each other.
 * The bucket starts empty when first spent from (a run never starts ahead of
 * the rate, however long the children took to start) and holds at most
 * BURST_SECONDS of rate (at least 64 KiB): after a pause a run may get that
 * far ahead, and readers that come back late (a loaded machine, a grant's
 * round trip) lose nothing below it. Measured with two children on a 2-core
 * machine at load 20: a 0.1 s burst gave 0.87-0.97 of the rate, 0.25 s
 * 1.00-1.04.
 */
import type { ByteBudget } from '../task-context.js';

const BURST_SECONDS = 0.2;
const MIN_BURST_BYTES = 64 * 1024;

export class TokenBucket implements ByteBudget {
  readonly burstBytes: number;
  private level: number;
  /** Undefined until the first spend: the clock starts with the first bytes. */
  private refilledAt: number | undefined;
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly bytesPerSecond: number) {
    this.burstBytes = Math.max(MIN_BURST_BYTES, Math.round(bytesPerSecond * BURST_SECONDS));
    this.level = 0;
  }

  spend(bytes: number): Promise<void> | undefined {
    this.refill();
    this.level -= bytes;
    if (this.level >= 0 && this.waiters.length === 0) return undefined;
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.wakeWhenPaid();
    });
  }

  /** Bytes spent for a reader that will never read them (a child that died before its grant arrived). */
  refund(bytes: number): void {
    this.refill();
    this.level = Math.min(this.burstBytes, this.level + bytes);
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.wakeWhenPaid();
  }

  private refill(): void {
    const now = performance.now();
    if (this.refilledAt !== undefined) this.level = Math.min(this.burstBytes, this.level + ((now - this.refilledAt) * this.bytesPerSecond) / 1000);
    this.refilledAt = now;
  }

  private wakeWhenPaid(): void {
    if (this.timer !== undefined || this.waiters.length === 0) return;
    this.refill();
    if (this.level >= 0) {
      for (const wake of this.waiters.splice(0)) wake();
      return;
    }
    // The debt is repaid at the rate; a timer may fire early by a fraction of a millisecond, hence the loop.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.wakeWhenPaid();
    }, Math.max(1, Math.ceil((-this.level * 1000) / this.bytesPerSecond)));
  }
}

/**
 * @throws TypeError / RangeError naming `owner`'s maxBytesPerSecond unless it is a finite number >= 1 (bytes a second).
 */
export function checkMaxBytesPerSecond(value: unknown, owner: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TypeError(`${owner}: maxBytesPerSecond must be a number of bytes per second, got ${typeof value}`);
  if (!Number.isFinite(value) || value < 1) throw new RangeError(`${owner}: maxBytesPerSecond must be a finite number >= 1 (bytes per second), got ${value}`);
  return value;
}
