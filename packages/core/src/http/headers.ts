/**
 * requests' CaseInsensitiveDict for headers: lookups ignore case, iteration
 * shows the name as it was last set. All state lives in one own property, and
 * an instance crosses processes as a flat [name, value, name, value...] list
 * (registerCompactClass): every request spec and every response carries two,
 * and walking their Map entry by entry was most of what superjson spent on a
 * small response.
 */
import { registerCompactClass } from '@requests-futures/serializer';

export type HeadersInit =
  | Record<string, string | number | null | undefined>
  | Iterable<readonly [string, string | number]>
  | CaseInsensitiveHeaders;

export class CaseInsensitiveHeaders implements Iterable<[string, string]> {
  /**
   * lowercase name → [name as last set, value]. A Map, not an object, so that a
   * header named `__proto__` or `constructor` is just a header.
   */
  store = new Map<string, [string, string]>();

  constructor(init?: HeadersInit | null) {
    if (init === undefined || init === null) return;
    if (init instanceof CaseInsensitiveHeaders || Symbol.iterator in init) {
      for (const [name, value] of init as Iterable<readonly [string, unknown]>) setGiven(this, name, value);
      return;
    }
    // A mapping (every response's request headers, rebuilt from its spec's) by its keys: no entry pairs.
    const record = init as Record<string, unknown>;
    for (const name of Object.keys(record)) setGiven(this, name, record[name]);
  }

  get(name: string): string | undefined {
    return this.store.get(name.toLowerCase())?.[1];
  }

  set(name: string, value: string): this {
    this.store.set(name.toLowerCase(), [name, value]);
    return this;
  }

  has(name: string): boolean {
    return this.store.has(name.toLowerCase());
  }

  delete(name: string): boolean {
    return this.store.delete(name.toLowerCase());
  }

  get size(): number {
    return this.store.size;
  }

  keys(): string[] {
    return [...this.store.values()].map(([name]) => name);
  }

  values(): string[] {
    return [...this.store.values()].map(([, value]) => value);
  }

  entries(): Array<[string, string]> {
    return [...this.store.values()].map(([name, value]) => [name, value]);
  }

  /** Name (as last set) → value. */
  toObject(): Record<string, string> {
    return Object.fromEntries(this.entries());
  }

  /** lowercase name → value, the shape Node's http module uses. */
  toLowerCaseObject(): Record<string, string> {
    const object: Record<string, string> = {};
    for (const [key, [, value]] of this.store) {
      // Defined, not assigned: a header named "__proto__" stays a header.
      if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      else object[key] = value;
    }
    return object;
  }

  copy(): CaseInsensitiveHeaders {
    const copy = new CaseInsensitiveHeaders();
    // The [name, value] pairs are replaced by set(), never changed in place: the copy may share them.
    copy.store = new Map(this.store);
    return copy;
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.entries()[Symbol.iterator]();
  }

  toJSON(): Record<string, string> {
    return this.toObject();
  }
}

/** A null value in a mapping means "no such header", as in requests' merge_setting. (Not a method: session.headers' items are its properties too.) */
function setGiven(headers: CaseInsensitiveHeaders, name: string, value: unknown): void {
  if (value !== null && value !== undefined) headers.set(name, String(value));
}

/** The headers as a flat [name, value, ...] list, names as they were set, in order: how they cross to another process. */
export function flatHeaderList(headers: CaseInsensitiveHeaders): string[] {
  const flat: string[] = [];
  for (const pair of headers.store.values()) flat.push(pair[0], pair[1]);
  return flat;
}

/** The headers a flatHeaderList says (an even-length list). */
export function headersFromFlatList(flat: readonly unknown[]): CaseInsensitiveHeaders {
  const headers = new CaseInsensitiveHeaders();
  for (let i = 0; i < flat.length; i += 2) headers.store.set(String(flat[i]).toLowerCase(), [String(flat[i]), String(flat[i + 1])]);
  return headers;
}

registerCompactClass(CaseInsensitiveHeaders, 'rf.CaseInsensitiveHeaders', {
  fields: ['store'],
  toWire: flatHeaderList,
  fromWire(flat: string[]): CaseInsensitiveHeaders {
    if (!Array.isArray(flat) || flat.length % 2 !== 0) throw new TypeError('rf.CaseInsensitiveHeaders: expected a flat [name, value, ...] list');
    return headersFromFlatList(flat);
  },
});
