/**
 * The future of a request that the coordinator holds back (its host is at
 * perHostLimit) until a slot frees, then hands to the executor. It stands in
 * for the executor's future, which does not exist yet, and then mirrors it:
 * it stays PENDING while held and while the executor has the request queued,
 * so cancel() keeps Python's meaning (true while not started), and running()
 * is the executor's answer.
 */
import { Future } from '../futures/future.js';

export class HeldFuture<T, M = any> extends Future<T, M> {
  private inner: Future<T, M> | undefined;

  override running(): boolean {
    return this.inner?.running() ?? false;
  }

  /** Held: cancelled here. Handed over: only if the executor can still cancel it. */
  override cancel(): boolean {
    if (this.inner !== undefined && !this.done() && !this.inner.cancel()) return false;
    return super.cancel();
  }

  /** Settles this future as aborted first (so it carries the reason), then stops the request wherever it is. */
  override abort(reason?: unknown): boolean {
    if (!super.abort(reason)) return false;
    this.inner?.abort(reason);
    return true;
  }

  /** Called once, when the request is handed to the executor. */
  attach(inner: Future<T, M>): void {
    this.inner = inner;
    // What the executor reports about its future (onTaskProgress) carries the request's meta too.
    if (this.meta !== undefined) inner.meta = this.meta;
    inner.addDoneCallback(() => this.follow(inner));
  }

  private follow(inner: Future<T, M>): void {
    if (inner.cancelled()) {
      // Cancelled or aborted over there (executor shutdown, abort()): so is this one.
      super.cancel();
      return;
    }
    inner.result().then(
      (value) => this.setResult(value),
      (error: unknown) => this.setException(error),
    );
  }
}
