/**
 * Plain values superjson cannot carry as they are:
 * - objects with a null prototype (superjson would return them with Object.prototype),
 * - plain objects with a "__proto__", "constructor" or "prototype" own key: superjson's
 *   walker throws on them (plainer.js, its prototype-pollution guard), and its decoder
 *   refuses any annotation path through them (accessDeep.js validatePath). As entries,
 *   the keys are array elements and never part of a path; decoding defines them as own
 *   data properties, so "__proto__" never reaches a prototype setter,
 * - invalid Dates (superjson's Date rule skips them and leaves the raw object in the JSON).
 */
import type { SuperJSONResult } from 'superjson';
import { registerTransformer } from './registry.js';
import { WireFormatError } from './wire-format-error.js';

/** superjson does not export its JSONValue type; this is the same type. */
type JSONValue = SuperJSONResult['json'];

type ObjectOnWire = [nullPrototype: 0 | 1, entries: [string, unknown][]];

/** Internal: the transformer's name, which the fast encoder writes in its annotations too. */
export const OBJECT_ENTRIES = 'rf.object';

/** Internal: true for the plain objects that travel as entries (also asked by fast-serialize.ts). */
export function needsEntries(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null) return true;
  return proto === Object.prototype && (Object.hasOwn(value, '__proto__') || Object.hasOwn(value, 'constructor') || Object.hasOwn(value, 'prototype'));
}

/** Internal: the wire form, before superjson (or the fast encoder) walks the entries' values. */
export function toEntriesForm(value: object): ObjectOnWire {
  return [Object.getPrototypeOf(value) === null ? 1 : 0, Object.entries(value)];
}

function fromEntries(wire: unknown): object {
  if (!Array.isArray(wire) || !Array.isArray(wire[1])) throw new WireFormatError('malformed object entries in wire');
  const [nullPrototype, entries] = wire as ObjectOnWire;
  const result: object = nullPrototype === 1 ? Object.create(null) : {};
  for (const entry of entries) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new WireFormatError('malformed object entry in wire');
    Object.defineProperty(result, entry[0], { value: entry[1], enumerable: true, writable: true, configurable: true });
  }
  return result;
}

registerTransformer<object, JSONValue>(
  {
    isApplicable: (value): value is object => needsEntries(value),
    // superjson walks the entries afterwards, so nested values keep their annotations.
    serialize: (value) => toEntriesForm(value) as unknown as JSONValue,
    deserialize: fromEntries,
  },
  OBJECT_ENTRIES,
);

registerTransformer<Date, 0>(
  {
    isApplicable: (value): value is Date => value instanceof Date && Number.isNaN(value.getTime()),
    serialize: () => 0,
    deserialize: () => new Date(Number.NaN),
  },
  'rf.invalid-date',
);
