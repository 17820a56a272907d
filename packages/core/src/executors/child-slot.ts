/**
 * The coordinator's view of one child process as a place to run tasks: which
 * tasks it holds, whether its lane listens yet, whether it still takes work.
 * Messages for a child whose lane is not listening yet wait here, in order
 * (sent earlier, tinypool's listener in the child would drop them).
 */
import type { ChildProcess } from 'node:child_process';
import type { ControlMessage } from '@requests-futures/worker';
import type { WatchedChild } from './liveness-watch.js';

export class ChildSlot<T> implements WatchedChild {
  /** Sent to this child and not settled by it yet (replied, declined or lost with it). */
  readonly tasks = new Set<T>();
  /** It said 'retiring': it starts nothing new and is stopped once its started tasks replied. */
  retiring = false;
  /** Its pool was retired or it exited: no new task goes here. */
  closed = false;
  /** Liveness (liveness-watch.ts): a message arrived since the last tick. */
  heard = true;
  silentTicks = 0;
  /** Set when the liveness check gave up on it: after how many ms of silence. */
  unresponsiveAfterMs: number | undefined;
  private listening = false;
  private waiting: ControlMessage[] = [];

  constructor(
    readonly pid: number,
    readonly process: ChildProcess,
    /** Called with a send's error that is not the child going away (that is handled by its exit). */
    private readonly onSendFailure: (message: ControlMessage, error: unknown) => void,
  ) {}

  /**
   * Holds tasks and its lane listens: from 'ready' on, a child heartbeats while
   * busy. (A child still starting is not judged: its start-up, a module load
   * through a loader included, sends nothing.)
   */
  get busy(): boolean {
    return this.listening && this.tasks.size > 0;
  }

  /** Takes new tasks: alive as far as we know, not retiring, not closed. */
  get accepting(): boolean {
    return !this.closed && !this.retiring && this.unresponsiveAfterMs === undefined && this.process.exitCode === null && this.process.signalCode === null;
  }

  /** The child's lane listens: what waited is sent, in order. */
  markReady(): void {
    if (this.listening) return;
    this.listening = true;
    const waiting = this.waiting;
    this.waiting = [];
    for (const message of waiting) this.write(message);
  }

  send(message: ControlMessage): void {
    if (this.listening) this.write(message);
    else this.waiting.push(message);
  }

  private write(message: ControlMessage): void {
    if (!this.process.connected) return; // gone: its exit settles what it held
    try {
      // The callback keeps a failed write from becoming an 'error' event, which tinypool would
      // treat as the child's death; a write error is the channel closing, and the exit follows.
      this.process.send(message, undefined, undefined, (error) => {
        if (error) this.onSendFailure(message, error);
      });
    } catch (error) {
      this.onSendFailure(message, error);
    }
  }
}
