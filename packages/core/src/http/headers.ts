/**
 * requests' CaseInsensitiveDict for headers: lookups ignore case, iteration
 * shows the name as it was last set. Registered with the serializer, which
 * rebuilds instances from own properties without calling the constructor,
 * so all state lives in one plain own property.
 */
import { registerClass } from '@requests-futures/serializer';

export type HeadersInit =
  | Record<string, string | number | null | undefined>
  | Iterable<readonly [string, string | number]>
  | CaseInsensitiveHeaders;

export class CaseInsensitiveHeaders implements Iterable<[string, string]> {
  /** lowercase name → [name as last set, value]. */
  store: Record<string, [string, string]> = {};

  constructor(init?: HeadersInit | null) {
    if (init === undefined || init === null) return;
    const pairs: Iterable<readonly [string, unknown]> =
      init instanceof CaseInsensitiveHeaders || Symbol.iterator in init
        ? (init as Iterable<readonly [string, unknown]>)
        : Object.entries(init);
    for (const [name, value] of pairs) {
      // A null value in a mapping means "no such header", as in requests' merge_setting.
      if (value === null || value === undefined) continue;
      this.set(name, String(value));
    }
  }

  get(name: string): string | undefined {
    return this.store[name.toLowerCase()]?.[1];
  }

  set(name: string, value: string): this {
    this.store[name.toLowerCase()] = [name, value];
    return this;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.store, name.toLowerCase());
  }

  delete(name: string): boolean {
    const key = name.toLowerCase();
    if (!Object.hasOwn(this.store, key)) return false;
    delete this.store[key];
    return true;
  }

  get size(): number {
    return Object.keys(this.store).length;
  }

  keys(): string[] {
    return Object.values(this.store).map(([name]) => name);
  }

  values(): string[] {
    return Object.values(this.store).map(([, value]) => value);
  }

  entries(): Array<[string, string]> {
    return Object.values(this.store).map(([name, value]) => [name, value]);
  }

  /** Name (as last set) → value. */
  toObject(): Record<string, string> {
    return Object.fromEntries(this.entries());
  }

  /** lowercase name → value, the shape Node's http module uses. */
  toLowerCaseObject(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.store).map(([key, [, value]]) => [key, value]));
  }

  copy(): CaseInsensitiveHeaders {
    return new CaseInsensitiveHeaders(this);
  }

  [Symbol.iterator](): Iterator<[string, string]> {
    return this.entries()[Symbol.iterator]();
  }

  toJSON(): Record<string, string> {
    return this.toObject();
  }
}

registerClass(CaseInsensitiveHeaders, 'rf.CaseInsensitiveHeaders');
