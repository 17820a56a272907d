/**
 * The picklability check: a synchronous walk that finds the first part of a value
 * the codec could not carry faithfully. superjson itself drops such parts silently
 * (functions, symbols, class instances turned into plain objects), so this walk is
 * what makes "never silent loss across the boundary" true.
 */
import { EventEmitter } from 'node:events';
import { types } from 'node:util';
import { PicklingError } from './pickling-error.js';
import { compactClassOf, isRegisteredClass, plainClassIdentifierOf } from './registry.js';
import { InWireForm } from './wire-form.js';
import { indexPath, mapKeyPath, mapValuePath, propertyPath, symbolKeyPath } from './value-path.js';

export interface Unpicklable {
  /** e.g. 'function', 'symbol', 'stream', 'circular reference', 'instance of Foo' */
  readonly kind: string;
  readonly path: string;
  /** For 'unreadable property': what reading it threw. */
  readonly cause?: unknown;
}

/** Throws PicklingError naming the first part of `value` that cannot travel. */
export function assertPicklable(value: unknown, rootPath: string = 'value'): void {
  const found = findUnpicklable(value, rootPath);
  if (found !== undefined) throw picklingErrorFor(found);
}

/** Internal: the PicklingError for a finding, keeping what an unreadable property threw as its cause. */
export function picklingErrorFor(found: Unpicklable): PicklingError {
  return new PicklingError(found.kind, found.path, 'cause' in found ? { cause: found.cause } : undefined);
}

/** Like assertPicklable, but reports instead of throwing. */
export function findUnpicklable(value: unknown, rootPath: string = 'value'): Unpicklable | undefined {
  return new PicklabilityWalk().visit(value, rootPath);
}

type Container = 'array' | 'plain' | 'map' | 'set' | 'error' | 'date' | 'regexp';

type Shape =
  | { readonly container: Container }
  | 'registered'
  | 'url' // carried whole: own properties would be dropped
  | 'bytes' // typed arrays: carried whole by the binary side channel
  | { readonly compact: readonly string[] } // registerCompactClass: its own wire form, these keys only
  | { readonly refused: string };

/** Internal: the typed arrays that travel (also asked by fast-serialize.ts). */
export const TYPED_ARRAY_PROTOTYPES: ReadonlySet<object> = new Set<object>([
  Buffer.prototype, Int8Array.prototype, Uint8Array.prototype, Uint8ClampedArray.prototype,
  Int16Array.prototype, Uint16Array.prototype, Int32Array.prototype, Uint32Array.prototype,
  Float32Array.prototype, Float64Array.prototype, BigInt64Array.prototype, BigUint64Array.prototype,
]);

/** Types with a well-known name, refused by that name rather than as "instance of". */
const REFUSED_BY_NAME: ReadonlyArray<readonly [(value: object) => boolean, string]> = [
  [types.isPromise, 'Promise'],
  [types.isWeakMap, 'WeakMap'],
  [types.isWeakSet, 'WeakSet'],
  [(value) => Object.prototype.toString.call(value) === '[object WeakRef]', 'WeakRef'],
  [types.isArrayBuffer, 'ArrayBuffer'],
  [types.isSharedArrayBuffer, 'SharedArrayBuffer'],
  [types.isDataView, 'DataView'],
];

/** Error properties that are normally non-enumerable yet travel (see error-transformer.ts). */
export const HIDDEN_ERROR_PROPERTIES: readonly string[] = ['name', 'message', 'stack', 'cause', 'code', 'errors'];

function isStream(value: object): boolean {
  const candidate = value as { pipe?: unknown; pipeTo?: unknown; getReader?: unknown; getWriter?: unknown };
  return (
    typeof candidate.pipe === 'function' ||
    typeof candidate.pipeTo === 'function' ||
    typeof candidate.getReader === 'function' ||
    typeof candidate.getWriter === 'function'
  );
}

function className(value: object): string {
  const ctor = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : '(anonymous class)';
}

/** A built-in container whose prototype is exactly the built-in one; a subclass would come back as the base class, so it is refused. */
function builtin(proto: unknown, builtinPrototype: object, container: Container, value: object): Shape {
  return proto === builtinPrototype ? { container } : { refused: `instance of ${className(value)}` };
}

function shapeOf(value: object): Shape {
  const proto: unknown = Object.getPrototypeOf(value);
  if (Array.isArray(value)) return builtin(proto, Array.prototype, 'array', value);
  if (plainClassIdentifierOf(value) !== undefined) return 'registered';
  const compact = compactClassOf(value);
  if (compact !== undefined) return { compact: compact.fields };
  // Its owner writes it (wire-form.ts): what it holds is the owner's to check.
  if (value instanceof InWireForm) return { compact: Object.keys(value) };
  if (isStream(value)) return { refused: 'stream' };
  if (value instanceof EventEmitter) return { refused: 'EventEmitter' };
  if (proto === Object.prototype || proto === null) return { container: 'plain' };
  // Any Error subclass travels (as its closest registered class).
  if (value instanceof Error) return { container: 'error' };
  if (types.isMap(value)) return builtin(proto, Map.prototype, 'map', value);
  if (types.isSet(value)) return builtin(proto, Set.prototype, 'set', value);
  if (types.isDate(value)) return builtin(proto, Date.prototype, 'date', value);
  if (types.isRegExp(value)) return builtin(proto, RegExp.prototype, 'regexp', value);
  if (proto === URL.prototype) return 'url';
  if (types.isTypedArray(value)) return TYPED_ARRAY_PROTOTYPES.has(proto as object) ? 'bytes' : { refused: `instance of ${className(value)}` };
  for (const [matches, name] of REFUSED_BY_NAME) if (matches(value)) return { refused: name };
  return { refused: `instance of ${className(value)}` };
}

class PicklabilityWalk {
  /** Objects on the current path: meeting one again is a cycle. */
  private readonly ancestors = new Set<object>();
  /**
   * Objects whose whole subtree already passed. Shared (not circular) references are
   * fine and common (one headers object in two places); this keeps them linear.
   * Safe for cycles: a verified subtree can reach no cycle, so it cannot reach an ancestor.
   */
  private readonly verified = new WeakSet<object>();

  visit(value: unknown, path: string): Unpicklable | undefined {
    switch (typeof value) {
      case 'function':
        return { kind: 'function', path };
      case 'symbol':
        return { kind: 'symbol', path };
      case 'object':
        return value === null ? undefined : this.visitObject(value, path);
      default:
        return undefined;
    }
  }

  private visitObject(value: object, path: string): Unpicklable | undefined {
    if (this.ancestors.has(value)) return { kind: 'circular reference', path };
    if (this.verified.has(value)) return undefined;
    if (shadowsRegisteredClass(value)) return { kind: 'constructor key', path: propertyPath(path, 'constructor') };
    const shape = shapeOf(value);
    if (typeof shape === 'object' && 'refused' in shape) return { kind: shape.refused, path };
    this.ancestors.add(value);
    try {
      const found = this.visitChildren(value, shape, path);
      if (found === undefined) this.verified.add(value);
      return found;
    } finally {
      this.ancestors.delete(value);
    }
  }

  private visitChildren(value: object, shape: Exclude<Shape, { refused: string }>, path: string): Unpicklable | undefined {
    if (shape === 'registered') {
      // superjson's walker throws on these keys for class instances (prototype pollution guard),
      // and its class rule would Object.assign them back: no entries form can help there.
      return this.visitProperties(value, path, ['__proto__', 'constructor', 'prototype']);
    }
    // Own properties on a typed array are not checked: listing keys would list every index.
    if (shape === 'bytes') return undefined;
    if (shape === 'url') return this.noOwnProperties(value, 'URL', path);
    // The class's own toWire carries its fields; anything else on the instance would vanish.
    if ('compact' in shape) {
      const extra = Object.keys(value).find((key) => !shape.compact.includes(key));
      if (extra !== undefined) return { kind: `property of a ${className(value)} not in its wire form`, path: propertyPath(path, extra) };
      return this.noSymbolKeys(value, path);
    }
    switch (shape.container) {
      case 'array':
        return this.visitArray(value as unknown[], path);
      case 'plain':
        // Any key travels, "__proto__" included (as entries: object-transformer.ts).
        return this.visitProperties(value, path, []);
      case 'error':
        return this.visitError(value as Error, path);
      case 'map':
        return this.noOwnProperties(value, 'Map', path) ?? this.visitMap(value as Map<unknown, unknown>, path);
      case 'set':
        return this.noOwnProperties(value, 'Set', path) ?? this.visitSet(value as Set<unknown>, path);
      case 'date':
        return this.noOwnProperties(value, 'Date', path);
      case 'regexp':
        return this.noOwnProperties(value, 'RegExp', path);
    }
  }

  private visitArray(array: unknown[], path: string): Unpicklable | undefined {
    let present = 0;
    for (let index = 0; index < array.length; index++) {
      // A hole would come back as a shorter array or as undefined: neither is the same value.
      if (!(index in array)) return { kind: 'array hole', path: indexPath(path, index) };
      present++;
      const found = this.visit(array[index], indexPath(path, index));
      if (found !== undefined) return found;
    }
    const keys = Object.keys(array);
    if (keys.length !== present) {
      const extra = keys.find((key) => !isArrayIndex(key, array.length));
      if (extra !== undefined) return { kind: 'non-index property of an Array', path: propertyPath(path, extra) };
    }
    return this.noSymbolKeys(array, path);
  }

  private visitProperties(value: object, path: string, refusedKeys: readonly string[]): Unpicklable | undefined {
    for (const key of Object.keys(value)) {
      const keyPath = propertyPath(path, key);
      if (refusedKeys.includes(key)) return { kind: `${key} key`, path: keyPath };
      const read = readProperty(value, key, keyPath);
      const found = 'problem' in read ? read.problem : this.visit(read.value, keyPath);
      if (found !== undefined) return found;
    }
    return this.noSymbolKeys(value, path);
  }

  private visitError(error: Error, path: string): Unpicklable | undefined {
    for (const key of HIDDEN_ERROR_PROPERTIES) {
      const keyPath = propertyPath(path, key);
      let descriptor: PropertyDescriptor | undefined;
      try {
        // V8 formats `stack` on first access by calling error.toString(), which throws
        // when message or name is an object that cannot become a string.
        descriptor = Object.getOwnPropertyDescriptor(error, key);
      } catch (cause) {
        return { kind: 'unreadable property', path: keyPath, cause };
      }
      if (descriptor === undefined || descriptor.enumerable === true) continue;
      const read = readProperty(error, key, keyPath);
      const found = 'problem' in read ? read.problem : this.visit(read.value, keyPath);
      if (found !== undefined) return found;
    }
    return this.visitProperties(error, path, []);
  }

  private visitMap(map: Map<unknown, unknown>, path: string): Unpicklable | undefined {
    let index = 0;
    for (const [key, entry] of map) {
      const found = this.visit(key, mapKeyPath(path, index)) ?? this.visit(entry, mapValuePath(path, key, index));
      if (found !== undefined) return found;
      index++;
    }
    return undefined;
  }

  private visitSet(set: Set<unknown>, path: string): Unpicklable | undefined {
    let index = 0;
    for (const element of set) {
      const found = this.visit(element, indexPath(path, index));
      if (found !== undefined) return found;
      index++;
    }
    return undefined;
  }

  /** superjson carries Map, Set, Date, RegExp and URL by their contents only: extra properties would vanish. */
  private noOwnProperties(value: object, typeName: string, path: string): Unpicklable | undefined {
    const [key] = Object.keys(value);
    if (key !== undefined) return { kind: `property of a ${typeName}`, path: propertyPath(path, key) };
    return this.noSymbolKeys(value, path);
  }

  private noSymbolKeys(value: object, path: string): Unpicklable | undefined {
    for (const key of Object.getOwnPropertySymbols(value)) {
      if (Object.prototype.propertyIsEnumerable.call(value, key)) return { kind: 'symbol key', path: symbolKeyPath(path, key) };
    }
    return undefined;
  }
}

/** A getter that throws cannot be encoded: report it where it is instead of letting its error escape. */
function readProperty(target: object, key: string, path: string): { value: unknown } | { problem: Unpicklable } {
  try {
    return { value: (target as Record<string, unknown>)[key] };
  } catch (cause) {
    return { problem: { kind: 'unreadable property', path, cause } };
  }
}

/**
 * An own "constructor" property hides the class from superjson, which identifies
 * registered instances by `value.constructor`: the instance would arrive as a plain object.
 */
function shadowsRegisteredClass(value: object): boolean {
  // Errors are exempt: they travel as entries, where any key is safe.
  if (value instanceof Error || types.isNativeError(value) || !Object.hasOwn(value, 'constructor')) return false;
  const proto = Object.getPrototypeOf(value) as { constructor?: unknown } | null;
  return proto !== null && proto !== Object.prototype && typeof proto.constructor === 'function' && isRegisteredClass(proto.constructor);
}

function isArrayIndex(key: string, length: number): boolean {
  const index = Number(key);
  return Number.isInteger(index) && index >= 0 && index < length && String(index) === key;
}
