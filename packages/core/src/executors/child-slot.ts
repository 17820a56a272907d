/**
 * The coordinator's view of one child process as a place to run tasks: which
 * tasks it holds, whether it still takes work, and what the liveness check
 * knows of it. The child itself is a ChildHandle (the tinypool seam).
 */
import type { ControlMessage } from '@requests-futures/worker';
import type { ChildHandle } from './child-handle.js';
import type { WatchedChild } from './liveness-watch.js';
import { RenewingSet } from './renewing-collections.js';

export class ChildSlot<T> implements WatchedChild {
  /** Sent to this child and not settled by it yet (replied, declined or lost with it). */
  readonly tasks = new RenewingSet<T>();
  /** It said 'retiring': it starts nothing new and is stopped once its started tasks replied. */
  retiring = false;
  /** Its pool was retired or it exited: no new task goes here. */
  closed = false;
  /** Liveness (liveness-watch.ts): a message arrived since the last tick. */
  heard = true;
  silentTicks = 0;
  /** Set when the liveness check gave up on it: after how many ms of silence. */
  unresponsiveAfterMs: number | undefined;

  constructor(
    readonly child: ChildHandle,
    /** Called with a send's error that is not the child going away (that is handled by its exit). */
    private readonly onSendFailure: (message: ControlMessage, error: unknown) => void,
  ) {}

  get pid(): number {
    return this.child.pid;
  }

  /** Holds tasks: from 'ready' on, a child heartbeats while busy. */
  get busy(): boolean {
    return this.tasks.size > 0;
  }

  /** Not ready yet: its start-up sends nothing, and the liveness check gives it longer (liveness-watch.ts). */
  get starting(): boolean {
    return !this.child.ready;
  }

  /** Takes new tasks: alive as far as we know, not retiring, not closed. */
  get accepting(): boolean {
    return !this.closed && !this.retiring && this.unresponsiveAfterMs === undefined && this.child.alive;
  }

  /** Sent in order; a child still starting gets it once it is ready. */
  send(message: ControlMessage): void {
    this.child.send(message, (error) => this.onSendFailure(message, error));
  }
}
