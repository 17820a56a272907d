/**
 * A Set and a Map for members that come and go all the time (the tasks and
 * futures in flight), made anew every RENEW_AFTER removals.
 *
 * Why: V8 keeps a Set's (or Map's) entries in a table that it replaces when
 * the table fills up with removed entries, and allocates the replacement in
 * the generation the old table is in. Once a long-lived Set's table has been
 * promoted (it outlived two scavenges, e.g. while the pool was idle), every
 * later table is allocated in the old generation, and each replaced table
 * still holds the members it had until the next full GC. The young objects
 * those members reach (a task, its future, the future's response) then
 * survive every scavenge and are promoted: measured on small GETs, about
 * 2 KB per GET, a third of what the coordinator allocated, and scavenges
 * several times slower than the bare pool's (benchmarks/README.md, #14). A
 * fresh Set starts young again, its replaced tables die young, and copying the
 * few members in flight costs next to nothing.
 */

/** Removals between renewals: a handful of microseconds of copying per 256 tasks, at most 256 tasks held past their end. */
const RENEW_AFTER = 256;

/** The Set methods the executors and the session use; iteration is in insertion order, as a Set's. */
export class RenewingSet<T> implements Iterable<T> {
  private members = new Set<T>();
  private removals = 0;

  get size(): number {
    return this.members.size;
  }

  has(member: T): boolean {
    return this.members.has(member);
  }

  /**
   * Renews on an add, never on a delete: a loop that deletes while it iterates
   * keeps iterating the live Set. A member added while a loop iterates may be
   * missed by that loop (it may go to the renewed Set), where a Set's loop would
   * reach it: none of the users adds while iterating.
   */
  add(member: T): this {
    if (this.removals >= RENEW_AFTER) {
      this.members = new Set(this.members);
      this.removals = 0;
    }
    this.members.add(member);
    return this;
  }

  delete(member: T): boolean {
    const deleted = this.members.delete(member);
    if (deleted) this.removals += 1;
    return deleted;
  }

  clear(): void {
    this.members.clear();
  }

  values(): IterableIterator<T> {
    return this.members.values();
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.members.values();
  }
}

/** RenewingSet's Map: the methods SlotTable uses. */
export class RenewingMap<K, V> {
  private entries = new Map<K, V>();
  private removals = 0;

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): this {
    if (this.removals >= RENEW_AFTER) {
      this.entries = new Map(this.entries);
      this.removals = 0;
    }
    this.entries.set(key, value);
    return this;
  }

  delete(key: K): boolean {
    const deleted = this.entries.delete(key);
    if (deleted) this.removals += 1;
    return deleted;
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }
}
