/**
 * Which child holds which task: ProcessPoolExecutor's children by pid, the
 * tasks sent to them and not settled by id, the moves between the two
 * (place, release), and the choice of the child that takes the next task.
 */
import type { ChildSlot } from './child-slot.js';
import type { PoolTask } from './pool-task.js';
import { RenewingMap } from './renewing-collections.js';

export class SlotTable {
  /** Every child not yet known to be gone, by pid (children of retired pools too, until they exit). */
  private readonly slots = new Map<number, ChildSlot<PoolTask>>();
  /** Sent to a child and not settled, by task id. */
  /** Renewing: every task passes through it (renewing-collections.ts says why). */
  private readonly inFlight = new RenewingMap<number, PoolTask>();

  constructor(private readonly concurrencyPerWorker: number) {}

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** A task sent to a child and not settled. */
  task(id: number): PoolTask | undefined {
    return this.inFlight.get(id);
  }

  inFlightTasks(): IterableIterator<PoolTask> {
    return this.inFlight.values();
  }

  slot(pid: number): ChildSlot<PoolTask> | undefined {
    return this.slots.get(pid);
  }

  allSlots(): IterableIterator<ChildSlot<PoolTask>> {
    return this.slots.values();
  }

  add(slot: ChildSlot<PoolTask>): void {
    this.slots.set(slot.pid, slot);
  }

  /** The child is gone and what it held was settled or re-queued. */
  remove(pid: number): void {
    this.slots.delete(pid);
  }

  /** The least busy child that takes work and has a free slot. A child still starting counts: its tasks wait in its slot until its lane listens. */
  leastBusy(): ChildSlot<PoolTask> | undefined {
    let best: ChildSlot<PoolTask> | undefined;
    for (const slot of this.slots.values()) {
      if (!slot.accepting || slot.tasks.size >= this.concurrencyPerWorker) continue;
      if (best === undefined || slot.tasks.size < best.tasks.size) best = slot;
    }
    return best;
  }

  firstAccepting(): ChildSlot<PoolTask> | undefined {
    for (const slot of this.slots.values()) if (slot.accepting) return slot;
    return undefined;
  }

  /** The pids of the children holding tasks. */
  holdingPids(): number[] {
    return [...this.slots.values()].filter((slot) => slot.tasks.size > 0).map((slot) => slot.pid);
  }

  place(task: PoolTask, slot: ChildSlot<PoolTask>): void {
    // An idle child sends no heartbeat: its silence so far says nothing.
    if (slot.tasks.size === 0) slot.heard = true;
    task.slot = slot;
    task.started = false;
    slot.tasks.add(task);
    this.inFlight.set(task.id, task);
  }

  /** The task no longer holds a slot. */
  release(task: PoolTask): void {
    this.inFlight.delete(task.id);
    const slot = task.slot;
    if (slot === undefined) return;
    slot.tasks.delete(task);
    task.slot = undefined;
    this.stopIfRetired(slot);
  }

  /** A retiring child is stopped once every task it started has replied (the ones it declined go elsewhere). */
  stopIfRetired(slot: ChildSlot<PoolTask>): void {
    if (!slot.retiring || slot.closed) return;
    for (const task of slot.tasks) if (task.started) return;
    slot.closed = true;
    slot.send({ __rf: 'exit' });
  }
}
