/**
 * A child's share of the coordinator's `maxBytesPerSecond`: the body bytes
 * its tasks may read before asking for more. Bytes are paid for once they
 * arrived; a reader that drives the balance below zero is told to wait.
 * The child asks for the next batch (plus any debt) in one `bytes-wanted`
 * event as soon as less than a batch is left, so the round trip to the
 * coordinator overlaps the reading of that batch instead of stalling it (on
 * a loaded 2-core machine, asking only once in debt served two children at
 * 0.55 to 0.8 of the rate). The coordinator answers with a `grant` once its
 * bucket has paid. One request is outstanding at a time, whatever the number
 * of tasks.
 *
 * Bytes granted are paid for: a child that held them unspent would lower
 * the rate the others get. So a child with no task left gives its balance
 * back (`bytes-returned`, `release()`), and what a child that died had asked
 * for and not been granted is refunded by the coordinator; a dead child
 * strands at most its unspent balance (under two batches).
 */
export interface AllowanceLane {
  ask(bytes: number): void;
  giveBack(bytes: number): void;
}

/** Shaped as core's ByteBudget (task-context.ts), which the child hands to its tasks. */
export class ByteAllowance {
  private balance = 0;
  /** Bytes asked for and not granted yet (0: no request outstanding). */
  private asked = 0;
  /** Idle while a request was on its way: its grant goes back as soon as it arrives. */
  private releaseOnGrant = false;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly batchBytes: number,
    private readonly lane: AllowanceLane,
  ) {}

  spend(bytes: number): Promise<void> | undefined {
    this.releaseOnGrant = false;
    this.balance -= bytes;
    if (this.balance < this.batchBytes) this.askOnce();
    if (this.balance >= 0) return undefined;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The coordinator's `grant`. */
  granted(bytes: number): void {
    this.asked = 0;
    this.balance += bytes;
    if (this.releaseOnGrant) {
      this.releaseOnGrant = false;
      this.release();
      return;
    }
    // Tasks may have read more while the request was on its way.
    if (this.balance < this.batchBytes) this.askOnce();
    if (this.balance < 0) return;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** No task runs in this child any more: the unspent balance goes back to the coordinator. */
  release(): void {
    if (this.asked > 0) {
      this.releaseOnGrant = true;
      return;
    }
    if (this.balance <= 0) return;
    this.lane.giveBack(this.balance);
    this.balance = 0;
  }

  private askOnce(): void {
    if (this.asked > 0) return;
    this.asked = this.batchBytes + Math.max(0, -this.balance);
    this.lane.ask(this.asked);
  }
}
