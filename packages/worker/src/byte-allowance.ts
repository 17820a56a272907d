/**
 * A child's share of the coordinator's `maxBytesPerSecond`: the body bytes
 * its tasks may read before asking for more. Bytes are paid for once they
 * arrived; a reader that drives the balance below zero is told to wait, and
 * the child asks the coordinator for its debt plus one batch in a single
 * `bytes-wanted` event (one IPC round trip per batch, whatever the number of
 * tasks in debt). The coordinator answers with a `grant` when its bucket has
 * paid for them.
 *
 * A child that dies strands at most the unspent part of its last grant
 * (under one batch): what it asked for and was not yet granted is given back
 * to the bucket by the coordinator.
 */
import type { ByteBudget } from './task-context.js';

export class ByteAllowance implements ByteBudget {
  private balance = 0;
  /** Bytes asked for and not granted yet (0: no request outstanding). */
  private asked = 0;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly batchBytes: number,
    private readonly ask: (bytes: number) => void,
  ) {}

  spend(bytes: number): Promise<void> | undefined {
    this.balance -= bytes;
    if (this.balance >= 0) return undefined;
    this.askOnce();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The coordinator's `grant`. */
  granted(bytes: number): void {
    this.asked = 0;
    this.balance += bytes;
    if (this.balance < 0) {
      // Tasks read more while the request was on its way.
      this.askOnce();
      return;
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  private askOnce(): void {
    if (this.asked > 0) return;
    this.asked = this.batchBytes - this.balance;
    this.ask(this.asked);
  }
}
