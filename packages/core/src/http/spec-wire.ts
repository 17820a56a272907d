/**
 * A plain request spec's own form between the coordinator and a child (#14,
 * the request's side of what outcome-crossing.ts does for the reply). Walked as
 * a general value, the spec cost every fresh coordinator the compile and cold
 * run of the serializer's generic walk (walkParts, walkArray, encode...) for a
 * spec that is, for a plain GET, two strings and the pool. Here the spec is
 * checked and copied in one pass when the request is made, written as
 *
 *   [method, url, pool.maxSize, pool.block, headers as [name, value, ...] | null, the other fields | null]
 *
 * and read back in one pass in the child, into the CrossingSpec the request
 * task expects. The other fields (what specForCrossing kept besides these) go
 * as they are when they are plain JSON: strings, finite numbers, booleans,
 * null, arrays and plain objects of those. Anything else (bytes, an fnRef, a
 * streamed body, an auth object, undefined, NaN, a cycle, a "__proto__" key)
 * makes the whole spec take the general path (encodeAhead), whose check
 * refuses what it refuses with the same PicklingError and path. A long text
 * crosses unpacked, as on the general path (the serializer's packed-call.ts).
 */
import { InWireForm, WireFormatError, registerWireForm } from '@requests-futures/serializer';
import type { CrossingSpec } from './request-spec.js';

const SPEC_FORM = 'rf.spec';

const enum Slot {
  Method,
  Url,
  MaxSize,
  Block,
  Headers,
  Rest,
  Count,
}

/** Deeper than this, the general path decides (it tells a cycle from a deep value). */
const MAX_DEPTH = 64;

/** A plain spec, copied when the request was made: later changes to the caller's values do not cross, as with encodeAhead. */
export class PlainSpecForm extends InWireForm {
  constructor(private readonly form: unknown[]) {
    super(SPEC_FORM);
  }

  writeWire(): unknown[] {
    return this.form;
  }
}

/** The spec in its own form, or undefined when something in it needs the general path. */
export function plainSpecForm(crossing: CrossingSpec): PlainSpecForm | undefined {
  const { method, url, pool } = crossing;
  if (typeof method !== 'string' || typeof url !== 'string') return undefined;
  if (pool === null || typeof pool !== 'object' || Object.getPrototypeOf(pool) !== Object.prototype || !isJsonNumber(pool.maxSize) || typeof pool.block !== 'boolean') return undefined;
  if (Object.keys(pool).length !== 2) return undefined;
  try {
    return formOf(crossing, method, url, pool);
  } catch {
    // A getter that threw: the general path's check reports it with its path.
    return undefined;
  }
}

function formOf(crossing: CrossingSpec, method: string, url: string, pool: CrossingSpec['pool']): PlainSpecForm | undefined {
  let headers: string[] | null = null;
  let rest: Record<string, unknown> | null = null;
  for (const key in crossing) {
    if (key === 'method' || key === 'url' || key === 'pool') continue;
    const value = crossing[key as keyof CrossingSpec];
    if (key === 'headers') {
      headers = flatHeaders(value);
      if (headers !== null) continue;
    }
    const copy = jsonCopy(value, 0);
    if (copy === INVALID) return undefined;
    // Assigned in the crossing's order: the child's spec gets them in the same.
    (rest ??= {})[key] = copy;
  }
  return new PlainSpecForm([method, url, pool.maxSize, pool.block, headers, rest]);
}

/** The headers as [name, value, ...] when every value is a string; null: not (jsonCopy decides). */
function flatHeaders(headers: unknown): string[] | null {
  if (headers === null || typeof headers !== 'object' || Object.getPrototypeOf(headers) !== Object.prototype) return null;
  const flat: string[] = [];
  for (const name of Object.keys(headers)) {
    const value = (headers as Record<string, unknown>)[name];
    if (typeof value !== 'string' || name === '__proto__') return null;
    flat.push(name, value);
  }
  return flat;
}

const INVALID = Symbol('not plain JSON');

/** A copy of a plain JSON value (as encode() would carry it unchanged), or INVALID. */
function jsonCopy(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return isJsonNumber(value) ? value : INVALID;
    case 'object':
      if (value === null) return null;
      if (depth >= MAX_DEPTH || Object.getOwnPropertySymbols(value).length > 0) return INVALID;
      return Array.isArray(value) ? arrayCopy(value, depth + 1) : objectCopy(value, depth + 1);
    default:
      return INVALID;
  }
}

function arrayCopy(array: unknown[], depth: number): unknown {
  if (Object.getPrototypeOf(array) !== Array.prototype || Object.keys(array).length !== array.length) return INVALID;
  const out: unknown[] = [];
  for (const item of array) {
    const copy = jsonCopy(item, depth);
    if (copy === INVALID) return INVALID;
    out.push(copy);
  }
  return out;
}

function objectCopy(object: object, depth: number): unknown {
  if (Object.getPrototypeOf(object) !== Object.prototype) return INVALID;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    // encode() carries objects with these keys in another form (object-transformer.ts).
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') return INVALID;
    const copy = jsonCopy((object as Record<string, unknown>)[key], depth);
    if (copy === INVALID) return INVALID;
    out[key] = copy;
  }
  return out;
}

/** JSON carries it as it is: not NaN, ±Infinity or -0. */
function isJsonNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0);
}

/** In the child: the CrossingSpec the form says (request-task.ts's specFromCrossing then fills in the defaults). */
export function crossingOfForm(json: unknown): CrossingSpec {
  if (!Array.isArray(json) || json.length !== Slot.Count) throw new WireFormatError(`${SPEC_FORM}: expected a list of ${Slot.Count} fields`);
  const method = json[Slot.Method] as unknown;
  const url = json[Slot.Url] as unknown;
  const maxSize = json[Slot.MaxSize] as unknown;
  const block = json[Slot.Block] as unknown;
  if (typeof method !== 'string' || typeof url !== 'string') throw new WireFormatError(`${SPEC_FORM}: method and url must be strings`);
  if (typeof maxSize !== 'number' || typeof block !== 'boolean') throw new WireFormatError(`${SPEC_FORM}: pool must be a number and a boolean`);
  const crossing: CrossingSpec = { method, url, pool: { maxSize, block } };
  const flat = json[Slot.Headers] as unknown;
  if (flat !== null) crossing.headers = headersOf(flat);
  const rest = json[Slot.Rest] as unknown;
  if (rest !== null) {
    if (typeof rest !== 'object' || Array.isArray(rest) || Object.hasOwn(rest, '__proto__')) throw new WireFormatError(`${SPEC_FORM}: the other fields must be an object`);
    Object.assign(crossing, rest);
  }
  return crossing;
}

function headersOf(flat: unknown): Record<string, string> {
  if (!Array.isArray(flat) || flat.length % 2 !== 0) throw new WireFormatError(`${SPEC_FORM}: headers must be a flat list of name, value pairs`);
  const headers: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i] as unknown;
    const value = flat[i + 1] as unknown;
    if (typeof name !== 'string' || typeof value !== 'string') throw new WireFormatError(`${SPEC_FORM}: headers must be strings`);
    headers[name] = value;
  }
  return headers;
}

registerWireForm(SPEC_FORM, crossingOfForm);
