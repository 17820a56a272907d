/**
 * Every child the executor has had and that may still run, by pid, whatever
 * pool it came from (a retired pool's children exit in the background): to
 * signal it, to wait for its last messages, and to prove at shutdown that none
 * is left. A child leaves once it has exited and its messages have been delivered.
 */
import type { ChildHandle } from './child-handle.js';

export class WorkerTracker {
  private readonly children = new Map<number, ChildHandle>();

  add(child: ChildHandle): void {
    this.children.set(child.pid, child);
    void Promise.all([child.exited, child.drained]).then(() => {
      if (this.children.get(child.pid) === child) this.children.delete(child.pid);
    });
  }

  /** A live child, for signalling it. */
  child(pid: number): ChildHandle | undefined {
    const child = this.children.get(pid);
    return child && child.exit === undefined ? child : undefined;
  }

  /** Waits until `pid`'s last messages (a late 'started', replies) have been delivered. */
  drained(pid: number): Promise<void> {
    return this.children.get(pid)?.drained ?? Promise.resolve();
  }

  livePids(): number[] {
    return [...this.children.values()].filter((c) => c.exit === undefined).map((c) => c.pid);
  }

  /** Resolves once every child seen so far has exited. */
  async allExited(): Promise<void> {
    await Promise.all([...this.children.values()].map((c) => c.exited));
  }
}
