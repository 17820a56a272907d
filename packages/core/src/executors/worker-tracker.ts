/**
 * Knows every child process the pool has spawned, by pid: to hear its messages,
 * to learn how it died (its exit code or signal), and to prove at shutdown
 * that none is left.
 *
 * Children come from ChildPool.children(); callers pass them again whenever a
 * child may have appeared (after creating a pool, after an exit, on the pool's 'error').
 */
import type { ChildProcess } from 'node:child_process';
import type { ChildExit } from './broken-process-pool.js';

interface TrackedChild {
  readonly process: ChildProcess;
  /** Resolves when the IPC channel has closed: every message the child sent has been delivered. */
  readonly drained: Promise<void>;
  readonly exited: Promise<void>;
  exit: ChildExit | undefined;
}

export class WorkerTracker {
  private readonly children = new Map<number, TrackedChild>();

  constructor(
    private readonly listener: {
      /** A child was spawned; `learn` reports each child once. */
      readonly onChild: (pid: number, child: ChildProcess) => void;
      /** Runs inside the child's 'exit' event (tinypool has already spawned its replacement). */
      readonly onExit: (exit: ChildExit) => void;
      readonly onMessage: (pid: number, message: unknown) => void;
    },
  ) {}

  /** Starts tracking those of `children` that are new. */
  learn(children: readonly ChildProcess[]): void {
    for (const child of children) {
      if (child.pid === undefined || this.children.has(child.pid)) continue;
      this.track(child, child.pid);
    }
  }

  /** A live child, for signalling it. */
  child(pid: number): ChildProcess | undefined {
    const tracked = this.children.get(pid);
    return tracked && tracked.exit === undefined ? tracked.process : undefined;
  }

  /** Waits until `pid`'s last messages (a late 'started', replies) have been delivered. */
  drained(pid: number): Promise<void> {
    return this.children.get(pid)?.drained ?? Promise.resolve();
  }

  livePids(): number[] {
    return [...this.children.values()].filter((c) => c.exit === undefined).map((c) => c.process.pid as number);
  }

  /** Resolves once every child seen so far has exited. */
  async allExited(): Promise<void> {
    await Promise.all([...this.children.values()].map((c) => c.exited));
  }

  private track(child: ChildProcess, pid: number): void {
    child.on('message', (message: unknown) => this.listener.onMessage(pid, message));
    const drained = child.connected ? new Promise<void>((resolve) => child.once('disconnect', () => resolve())) : Promise.resolve();
    let markExited!: () => void;
    const exited = new Promise<void>((resolve) => (markExited = resolve));
    const tracked: TrackedChild = { process: child, drained, exited, exit: undefined };
    this.children.set(pid, tracked);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      const exit: ChildExit = { pid, code, signal };
      tracked.exit = exit;
      markExited();
      this.listener.onExit(exit);
      // Keep the entry until the child's last messages have been delivered (see drained()).
      void drained.then(() => this.children.delete(pid));
    };
    this.listener.onChild(pid, child);
    if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode, child.signalCode);
    else child.once('exit', onExit);
  }
}
