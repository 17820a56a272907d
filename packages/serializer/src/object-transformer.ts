/**
 * Plain values superjson cannot carry as they are:
 * - objects with a null prototype (superjson would return them with Object.prototype),
 * - plain objects with a "constructor" or "prototype" key (superjson throws on them),
 * - invalid Dates (superjson's Date rule skips them and leaves the raw object in the JSON).
 */
import type { SuperJSONResult } from 'superjson';
import { superjson } from './registry.js';
import { WireFormatError } from './wire-format-error.js';

/** superjson does not export its JSONValue type; this is the same type. */
type JSONValue = SuperJSONResult['json'];

type ObjectOnWire = [nullPrototype: 0 | 1, entries: [string, unknown][]];

function needsEntries(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null) return true;
  return proto === Object.prototype && (Object.hasOwn(value, 'constructor') || Object.hasOwn(value, 'prototype'));
}

function fromEntries(wire: unknown): object {
  if (!Array.isArray(wire) || !Array.isArray(wire[1])) throw new WireFormatError('malformed object entries in wire');
  const [nullPrototype, entries] = wire as ObjectOnWire;
  const result: object = nullPrototype === 1 ? Object.create(null) : {};
  for (const [key, value] of entries) {
    Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return result;
}

superjson.registerCustom<object, JSONValue>(
  {
    isApplicable: needsEntries,
    // superjson walks the entries afterwards, so nested values keep their annotations.
    serialize: (value) => [Object.getPrototypeOf(value) === null ? 1 : 0, Object.entries(value)] as unknown as JSONValue,
    deserialize: fromEntries,
  },
  'rf.object',
);

superjson.registerCustom<Date, 0>(
  {
    isApplicable: (value): value is Date => value instanceof Date && Number.isNaN(value.getTime()),
    serialize: () => 0,
    deserialize: () => new Date(Number.NaN),
  },
  'rf.invalid-date',
);
