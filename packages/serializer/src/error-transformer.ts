/**
 * Errors cross as a class identifier plus their properties. superjson's own error
 * rule keeps only name and message (no stack, no code, no class), which would make
 * every failure in a worker arrive as an anonymous Error.
 *
 * Properties travel as [key, value] entries rather than as an object so that any key
 * (even "constructor") survives superjson's prototype-pollution guard; superjson
 * still walks the values, so a cause that is itself an error, a Date or a Map is
 * encoded recursively.
 */
import type { SuperJSONResult } from 'superjson';
import { HIDDEN_ERROR_PROPERTIES } from './picklable.js';
import { errorClassFor, errorIdentifierFor, registerTransformer } from './registry.js';
import { WireFormatError } from './wire-format-error.js';

/** superjson does not export its JSONValue type; this is the same type. */
type JSONValue = SuperJSONResult['json'];

interface ErrorOnWire {
  /** Identifier of the closest registered class ('Error' at worst). */
  t: string;
  /** The name as seen through the prototype chain, restored if the class would say otherwise. */
  n: string;
  /** Own non-enumerable properties among HIDDEN_ERROR_PROPERTIES (message, stack, cause, code, ...). */
  h: [string, unknown][];
  /** Own enumerable properties. */
  p: [string, unknown][];
}

function toWire(error: Error): ErrorOnWire {
  const hidden: [string, unknown][] = [];
  for (const key of HIDDEN_ERROR_PROPERTIES) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (descriptor !== undefined && descriptor.enumerable !== true) hidden.push([key, (error as unknown as Record<string, unknown>)[key]]);
  }
  return { t: errorIdentifierFor(error), n: String(error.name), h: hidden, p: Object.entries(error) };
}

function define(target: object, key: string, value: unknown, enumerable: boolean): void {
  // defineProperty, not assignment: a key such as "__proto__" must stay a plain own property.
  Object.defineProperty(target, key, { value, enumerable, writable: true, configurable: true });
}

function fromWire(wire: unknown): Error {
  const shape = wire as Partial<ErrorOnWire> | null;
  if (shape === null || typeof shape !== 'object' || typeof shape.t !== 'string' || !Array.isArray(shape.h) || !Array.isArray(shape.p)) {
    throw new WireFormatError('malformed error in wire');
  }
  // A class registered only on the other side still arrives as an Error with its name.
  const cls = errorClassFor(shape.t) ?? Error;
  const error = Object.create(cls.prototype) as Error;
  for (const [key, value] of shape.h) define(error, key, value, false);
  for (const [key, value] of shape.p) define(error, key, value, true);
  if (typeof shape.n === 'string' && error.name !== shape.n) define(error, 'name', shape.n, false);
  return error;
}

registerTransformer<Error, JSONValue>(
  {
    isApplicable: (value): value is Error => value instanceof Error,
    // The entries are walked by superjson afterwards; the cast only satisfies its JSONValue bound.
    serialize: (error) => toWire(error) as unknown as JSONValue,
    deserialize: fromWire,
  },
  'rf.error',
);
