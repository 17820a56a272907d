/**
 * The wire format: what encode() produces and decode() accepts.
 *
 *   json     superjson's JSON tree of the value (JSON-safe: no binary, no NaN, no undefined),
 *            with typed arrays replaced by [index, typeName] placeholders
 *   meta     superjson's type annotations (Date, Map, BigInt, errors, placeholders...), if any
 *   buffers  the bytes of every typed array, in placeholder order
 *
 * A Wire is plain data: v8 / structured clone carries it as is (tinypool 'advanced'),
 * and `buffers` are sent as raw bytes rather than as text.
 */
import type { SuperJSONResult } from 'superjson';
import { collectingBinaryParts, resolvingBinaryParts } from './binary-channel.js';
import './error-transformer.js';
import './object-transformer.js';
import { keepEncoded } from './encoded-ahead.js';
import { fastDeserialize } from './fast-deserialize.js';
import { fastSerialize } from './fast-serialize.js';
import { markLongText } from './long-text.js';
import { decodePacked, isPackedWire, type PackedWire } from './packed-wire.js';
import { findUnpicklable, picklingErrorFor } from './picklable.js';
import { superjson } from './registry.js';
import { WireFormatError } from './wire-format-error.js';
import { InWireForm, wireOf } from './wire-form.js';

export interface Wire {
  readonly json: unknown;
  readonly meta?: unknown;
  readonly buffers: Uint8Array[];
}

export interface EncodeOptions {
  /** How PicklingError paths start (default 'value'), e.g. 'args[0]' or '' for 'hooks.response[0]'. */
  readonly rootPath?: string;
  /**
   * For a plain object whose properties are mostly the caller's own making:
   * only these top-level properties are checked and copied. Every other one
   * must be JSON-safe by construction (strings, finite numbers, booleans,
   * null, and plain objects and arrays of those, without a `__proto__`,
   * `constructor` or `prototype` key): it goes into the wire unchecked and
   * uncopied, so it must not change until the wire is sent. A property that
   * breaks this promise would be altered (JSON.stringify's rules), not refused.
   */
  readonly checkOnly?: readonly string[];
}

type Meta = NonNullable<SuperJSONResult['meta']>;

/**
 * Encodes a value for the other side. Checks it in the same walk, so a value is
 * either carried faithfully or refused with a PicklingError: never silently
 * altered. The common shapes take one walk (fast-serialize.ts); anything else
 * takes the full check, then superjson. A value that writes its own wire
 * (InWireForm) is that wire.
 */
export function encode(value: unknown, options: EncodeOptions = {}): Wire {
  // Written by its owner in one pass (wire-form.ts): nothing to walk.
  if (value instanceof InWireForm) return wireOf(value);
  const buffers: Uint8Array[] = [];
  const checkOnly = options.checkOnly;
  const fast = collectingBinaryParts(buffers, () => fastSerialize(value, checkOnly));
  if (fast !== undefined) {
    return markLongText(fast.values === undefined ? { json: fast.json, buffers } : { json: fast.json, meta: { values: fast.values, v: 1 }, buffers }, fast.textLength);
  }
  buffers.length = 0;
  const problem = findUnpicklable(value, options.rootPath ?? 'value');
  if (problem !== undefined) throw picklingErrorFor(problem);
  const { json, meta } = collectingBinaryParts(buffers, () => superjson().serialize(value));
  // superjson writes an object shared by two paths as one node; decode works in place on a tree.
  const text = { length: 0 };
  const tree = copyAsTree(json, text);
  // Referential-equality annotations are dropped (see decode); cycles never get here.
  if (meta?.values === undefined) return markLongText({ json: tree, buffers }, text.length);
  return markLongText({ json: tree, meta: { values: meta.values, v: meta.v }, buffers }, text.length);
}

/**
 * encode()s an object now (a PicklingError names its path) and keeps the wire
 * for the next encode() that meets this very object, which splices it in
 * instead of walking the object again (see encoded-ahead.ts).
 */
export function encodeAhead(value: object, options: EncodeOptions = {}): void {
  keepEncoded(value, encode(value, options));
}

/**
 * Works in place: every wire encode() makes is a tree of fresh objects, and
 * v8 / structuredClone / JSON keep it one. Takes a wire as packWire() packed it too.
 */
export function decode<T = unknown>(given: Wire | PackedWire): T {
  let wire: Wire;
  if (isPackedWire(given)) {
    const decoded = decodePacked(given);
    if ('value' in decoded) return decoded.value as T;
    wire = decoded.wire;
  } else {
    wire = given;
  }
  if (wire === null || typeof wire !== 'object' || !Array.isArray(wire.buffers) || !('json' in wire)) {
    throw new WireFormatError('decode expects a Wire: { json, meta?, buffers: Uint8Array[] }');
  }
  const meta = wire.meta as Meta | undefined;
  if (meta !== undefined && (meta === null || typeof meta !== 'object')) throw new WireFormatError('wire.meta must be an object');
  const json = wire.json;
  // Nothing annotated: the json is the value.
  if (meta?.values === undefined) return json as T;
  return resolvingBinaryParts(wire.buffers, () => {
    const fast = fastDeserialize(json, meta.values, meta.v);
    if (fast !== undefined) return fast.value as T;
    const payload: SuperJSONResult = { json: json as SuperJSONResult['json'], meta: { values: meta.values, v: meta.v } };
    return superjson().deserialize<T>(payload, { inPlace: true });
  });
}

/** A copy in which no node is reachable by two paths; `text` adds up the length of its strings. */
function copyAsTree(node: unknown, text: { length: number }): unknown {
  if (typeof node === 'string') text.length += node.length;
  if (Array.isArray(node)) return Array.from(node, (item) => copyAsTree(item, text));
  if (node === null || typeof node !== 'object' || !isPlainObject(node)) return node;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(node)) {
    const child = copyAsTree((node as Record<string, unknown>)[key], text);
    // Our encoder never writes this key in the JSON tree (such objects travel as entries), but a
    // wire made elsewhere may: keep it an own property instead of calling the prototype setter.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: child, enumerable: true, writable: true, configurable: true });
    else copy[key] = child;
  }
  return copy;
}

function isPlainObject(node: object): boolean {
  const proto: unknown = Object.getPrototypeOf(node);
  return proto === Object.prototype || proto === null;
}
