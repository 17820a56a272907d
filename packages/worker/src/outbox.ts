/**
 * What a child has to tell the coordinator, sent as one report per event-loop
 * turn: replies that complete in the same turn (responses read from several
 * sockets in one poll) share one IPC message instead of paying a write, a
 * wake-up and a read each. Events keep their order, so a task's progress still
 * precedes its reply.
 */
import type { ChildEvent } from './protocol.js';

export class Outbox {
  private events: ChildEvent[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  constructor(private readonly send: (events: ChildEvent[]) => void) {}

  get pending(): number {
    return this.events.length;
  }

  /** Queued until the end of this event-loop turn (setImmediate runs after the poll phase's I/O). */
  push(event: ChildEvent): void {
    this.events.push(event);
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      this.flush();
    });
  }

  /** Sends what is queued now, e.g. before tasks start (their 'started' must leave first) or before exiting. */
  flush(): void {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    if (this.events.length === 0) return;
    const batch = this.events;
    this.events = [];
    this.send(batch);
  }
}
