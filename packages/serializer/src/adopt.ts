/**
 * Copies the parts of a value that come from another realm (see realm.ts) into
 * this one, so superjson sees ordinary objects, Maps, Dates and Errors. Only run
 * when the picklability walk met such a part: the common case pays nothing.
 * Typed arrays and URLs are kept as they are: the codec handles them in any realm.
 */
import { types } from 'node:util';
import { HIDDEN_ERROR_PROPERTIES } from './picklable.js';
import { localBuiltinErrorPrototype } from './realm.js';

export function adoptIntoThisRealm<T>(value: T): T {
  return new Adoption().adopt(value) as T;
}

class Adoption {
  /** Keeps shared references shared (cycles were refused before adoption). */
  private readonly copies = new Map<object, unknown>();

  adopt(value: unknown): unknown {
    if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || value instanceof URL) return value;
    const existing = this.copies.get(value);
    if (existing !== undefined) return existing;
    const copy = this.copy(value);
    this.copies.set(value, copy);
    return copy;
  }

  private copy(value: object): unknown {
    if (Array.isArray(value)) return value.map((element) => this.adopt(element));
    if (types.isMap(value)) return new Map([...(value as Map<unknown, unknown>)].map(([k, v]) => [this.adopt(k), this.adopt(v)]));
    if (types.isSet(value)) return new Set([...(value as Set<unknown>)].map((element) => this.adopt(element)));
    if (types.isDate(value)) return new Date(Date.prototype.getTime.call(value));
    if (types.isRegExp(value)) return new RegExp((value as RegExp).source, (value as RegExp).flags);
    if (value instanceof Error || types.isNativeError(value)) return this.copyError(value as Error);
    // Plain objects (any realm) and registered class instances: same shape, this realm's objects.
    const proto: unknown = Object.getPrototypeOf(value);
    const target: object = proto === null ? Object.create(null) : Object.create(isLocal(proto) ? (proto as object) : Object.prototype);
    for (const key of Object.keys(value)) define(target, key, this.adopt((value as Record<string, unknown>)[key]), true);
    return target;
  }

  private copyError(error: Error): Error {
    const proto = error instanceof Error ? (Object.getPrototypeOf(error) as object) : localBuiltinErrorPrototype(error);
    const copy = Object.create(proto) as Error;
    for (const key of HIDDEN_ERROR_PROPERTIES) {
      const descriptor = Object.getOwnPropertyDescriptor(error, key);
      if (descriptor !== undefined && descriptor.enumerable !== true) define(copy, key, this.adopt((error as unknown as Record<string, unknown>)[key]), false);
    }
    for (const key of Object.keys(error)) define(copy, key, this.adopt((error as unknown as Record<string, unknown>)[key]), true);
    if (copy.name !== error.name) define(copy, 'name', error.name, false);
    return copy;
  }
}

/** A prototype from this realm: the chain ends at this realm's Object.prototype. */
function isLocal(proto: unknown): boolean {
  let current = proto;
  while (current !== null && current !== Object.prototype) current = Object.getPrototypeOf(current);
  return current === Object.prototype;
}

function define(target: object, key: string, value: unknown, enumerable: boolean): void {
  Object.defineProperty(target, key, { value, enumerable, writable: true, configurable: true });
}
