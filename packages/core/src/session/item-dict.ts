/**
 * An ordered, case-sensitive dict for `session.params` and `session.proxies`
 * (plain dicts in requests): get/set/has/delete/update/clear, iteration over
 * [key, value] pairs like a Map, and bracket access through item-access.ts.
 * Each value is checked when it is set, so a wrong one fails at the
 * assignment, naming the key, not at some later request.
 */
import { withItemAccess, type ItemStore, type WithItems } from './item-access.js';
import { pairsOf, type DictUpdate } from './session-headers.js';

export class ItemDict<V> implements ItemStore, Iterable<[string, V]> {
  // `#`, not TypeScript's `private` (the style elsewhere): items are properties too (item-access.ts), and a
  // TypeScript-private field would be a name an item cannot take. This way only the methods' names are.
  readonly #store = new Map<string, V>();
  readonly #what: string;
  readonly #check: (key: string, value: unknown, what: string) => V;

  constructor(what: string, check: (key: string, value: unknown, what: string) => V) {
    this.#what = what;
    this.#check = check;
  }

  get(key: string): V | undefined {
    return this.#store.get(key);
  }

  /** A null or undefined value removes the key (None is dropped when requests merges). */
  set(key: string, value: V | null | undefined): this {
    if (value === null || value === undefined) this.#store.delete(key);
    else this.#store.set(key, this.#check(key, value, this.#what));
    return this;
  }

  has(key: string): boolean {
    return this.#store.has(key);
  }

  delete(key: string): boolean {
    return this.#store.delete(key);
  }

  clear(): void {
    this.#store.clear();
  }

  update(source: DictUpdate<V> | ItemDict<V>): void {
    for (const [key, value] of pairsOf(source as DictUpdate<V>, this.#what)) this.set(key, value);
  }

  /** Replaces every item (`session.params = {...}`). */
  replace(source: DictUpdate<V> | ItemDict<V> | null | undefined): void {
    this.#store.clear();
    if (source !== null && source !== undefined) this.update(source);
  }

  get size(): number {
    return this.#store.size;
  }

  keys(): string[] {
    return [...this.#store.keys()];
  }

  values(): V[] {
    return [...this.#store.values()];
  }

  entries(): Array<[string, V]> {
    return [...this.#store.entries()];
  }

  [Symbol.iterator](): Iterator<[string, V]> {
    return this.entries()[Symbol.iterator]();
  }

  toObject(): Record<string, V> {
    return Object.fromEntries(this.#store);
  }

  toJSON(): Record<string, V> {
    return this.toObject();
  }

  setItem(key: string, value: unknown): void {
    this.set(key, value as V);
  }
}

export type SessionDict<V> = WithItems<ItemDict<V>, V>;

export function itemDict<V>(what: string, check: (key: string, value: unknown, what: string) => V): SessionDict<V> {
  return withItemAccess<ItemDict<V>, V>(new ItemDict<V>(what, check), what);
}
