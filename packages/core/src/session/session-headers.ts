/**
 * `session.headers`: requests' CaseInsensitiveDict of the session's default
 * headers. Besides CaseInsensitiveHeaders' methods it takes bracket
 * assignment, `delete`, `in` and `update()` (item-access.ts); a null or
 * undefined value removes the header, as None does once requests merges it.
 */
import { CaseInsensitiveHeaders, type HeadersInit } from '../http/headers.js';
import { headerValueText } from '../http/validate-request.js';
import { withItemAccess, type ItemStore, type WithItems } from './item-access.js';

export type DictUpdate<V> = Record<string, V | null | undefined> | Iterable<readonly [string, V | null | undefined]>;

/** The pairs of a mapping, a Map, a dict of ours or a list of pairs. */
export function pairsOf<V>(source: DictUpdate<V> | null | undefined, what: string): Iterable<readonly [string, V | null | undefined]> {
  if (source === null || source === undefined) return [];
  if (typeof source !== 'object') throw new TypeError(`${what}.update() takes a mapping or a list of [key, value] pairs, got ${typeof source}`);
  return Symbol.iterator in source ? (source as Iterable<readonly [string, V]>) : Object.entries(source);
}

export class HeadersDict extends CaseInsensitiveHeaders implements ItemStore {
  /** Adds or replaces each header; a null value removes it. */
  update(source: DictUpdate<string | number> | CaseInsensitiveHeaders): void {
    for (const [name, value] of pairsOf(source as DictUpdate<string | number>, 'session.headers')) this.setItem(name, value);
  }

  /** Replaces every header with these (`session.headers = {...}`). */
  replace(source: DictUpdate<string | number> | CaseInsensitiveHeaders | null | undefined): void {
    this.store.clear();
    if (source !== null && source !== undefined) this.update(source);
  }

  clear(): void {
    this.store.clear();
  }

  setItem(name: string, value: unknown): void {
    if (value === null || value === undefined) this.delete(name);
    else this.set(name, headerValueText(name, value));
  }

  /**
   * Name (as last set) → value, each value checked as a request's would be:
   * what mergeHeaders makes of these headers alone, without its Map (runs per request).
   */
  toCheckedObject(): Record<string, string> {
    const object: Record<string, string> = {};
    // Pairs read by index: destructuring each ran the iterator protocol, cold in a fresh process (per request).
    for (const pair of this.store.values()) {
      const name = pair[0];
      const value = pair[1];
      const text = headerValueText(name, value);
      // Defined, not assigned: a header named "__proto__" stays a header.
      if (name === '__proto__') Object.defineProperty(object, name, { value: text, enumerable: true, writable: true, configurable: true });
      else object[name] = text;
    }
    return object;
  }
}

export type SessionHeaders = WithItems<HeadersDict, string>;

export function sessionHeaders(init?: HeadersInit): SessionHeaders {
  const dict = new HeadersDict();
  if (init !== undefined) dict.update(init as DictUpdate<string | number>);
  return withItemAccess<HeadersDict, string>(dict, 'session.headers');
}
