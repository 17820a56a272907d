/**
 * A plain request spec's own form between the coordinator and a child (#14,
 * the request's side of what outcome-crossing.ts does for the reply). Walked as
 * a general value, the spec cost every fresh coordinator the compile and cold
 * run of the serializer's generic walk (walkParts, walkArray, encode...) and
 * its encodeAhead bookkeeping, for a spec that is, for a plain GET, two
 * strings, the pool and a few session settings. A spec whose parts a user may
 * fill (the session's specPartsToCheck) are plain JSON (strings, finite
 * numbers, booleans, null, arrays and plain objects of those) has them checked
 * and copied in one pass when the request is made; every other part the
 * session made itself, JSON-safe by construction, as encodeAhead's checkOnly
 * trusts it. The spec so made is its form: JSON.parse in the child builds the
 * CrossingSpec as it is, which the reader only checks. Anything else in a
 * user's part (bytes, an fnRef, a streamed body, undefined, NaN, -0, a cycle,
 * a "__proto__" or "constructor" key, a getter that throws) makes the whole
 * spec take the general path (encodeAhead), whose check refuses what it
 * refuses with the same PicklingError and path. A long text crosses unpacked,
 * as on the general path (the serializer's packed-call.ts).
 */
import { InWireForm, WireFormatError, isJsonNumber, registerWireForm } from '@requests-futures/serializer';
import type { CrossingSpec, RequestSpec } from './request-spec.js';

const SPEC_FORM = 'rf.spec';

/** Deeper than this, the general path decides (it tells a cycle from a deep value). */
const MAX_DEPTH = 64;

/**
 * A plain spec; its user's parts copied when the request was made, so later
 * changes to them do not cross (as with encodeAhead). `spec` stays readable:
 * an executor that judges a task by its spec (a lost worker's GET is run
 * again) reads it through crossingSpecOf.
 */
export class PlainSpecForm extends InWireForm {
  constructor(readonly spec: CrossingSpec) {
    super(SPEC_FORM);
  }

  writeWire(): CrossingSpec {
    return this.spec;
  }
}

/** The request task's spec argument as the executor got it: the CrossingSpec itself, or the one inside its form. */
export function crossingSpecOf(argument: unknown): unknown {
  return argument instanceof PlainSpecForm ? argument.spec : argument;
}

/**
 * The spec in its own form, or undefined when something in it needs the
 * general path. `crossing` is the session's own (specForCrossing made it for
 * this request): its user's parts are replaced by their copies.
 */
export function plainSpecForm(crossing: CrossingSpec, partsToCheck: readonly (keyof RequestSpec)[]): PlainSpecForm | undefined {
  if (typeof crossing.method !== 'string' || typeof crossing.url !== 'string') return undefined;
  const parts = crossing as Record<string, unknown>;
  const checked = partSet(partsToCheck);
  try {
    // The crossing's own keys, not every part's name: a part left out holds its default, and a
    // plain GET's crossing has five keys where a lookup of each of the 15 user parts missed.
    for (const part of Object.keys(parts)) {
      if (!checked.has(part)) continue;
      const copy = jsonCopy(parts[part], 0);
      if (copy === INVALID) return undefined;
      parts[part] = copy;
    }
  } catch {
    // A getter that threw: the general path's check reports it with its path.
    return undefined;
  }
  return new PlainSpecForm(crossing);
}

/** The sets of the part lists a session passes (a couple of constant lists), made once each. */
const partSets = new WeakMap<readonly string[], ReadonlySet<string>>();

function partSet(parts: readonly string[]): ReadonlySet<string> {
  let set = partSets.get(parts);
  if (set === undefined) partSets.set(parts, (set = new Set(parts)));
  return set;
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


/** In the child: the CrossingSpec the form says (request-task.ts's specFromCrossing then fills in the defaults). */
export function crossingOfForm(json: unknown): CrossingSpec {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new WireFormatError(`${SPEC_FORM}: expected an object`);
  const { method, url, pool } = json as Partial<CrossingSpec>;
  if (typeof method !== 'string' || typeof url !== 'string') throw new WireFormatError(`${SPEC_FORM}: method and url must be strings`);
  if (pool === null || typeof pool !== 'object') throw new WireFormatError(`${SPEC_FORM}: pool must be an object`);
  return json as CrossingSpec;
}

registerWireForm(SPEC_FORM, crossingOfForm);
