/**
 * Value generators for the "never silent loss" properties: everything the codec
 * promises to carry, the things it must refuse (poisons), and cycles.
 */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { fnRef, registerClass, registerCompactClass, registerErrorClass } from '@requests-futures/serializer';
import type { Resolved, Segment } from './path-oracle.js';

export class Point {
  constructor(public x: unknown, public y: unknown) {}
}
registerClass(Point, 'test.property.Point');

/** A registerCompactClass class: travels as [left, right]. */
export class Pair {
  constructor(public left: string, public right: string) {}
}
registerCompactClass(Pair, 'test.Pair', {
  fields: ['left', 'right'],
  toWire: (pair) => [pair.left, pair.right],
  fromWire: ([left, right]: [string, string]) => new Pair(left, right),
});

export class RequestFailure extends Error {
  override readonly name = 'RequestFailure';
  readonly code: string = 'ERR_REQUEST';
}
registerErrorClass(RequestFailure, 'test.property.RequestFailure');

export class Unregistered {
  readonly answer = 42;
}

const fixtureUrl = new URL('../fixtures/functions.ts', import.meta.url).href;

/**
 * Keys, including the ones superjson treats specially in its paths and guards.
 * "__proto__" is one: JSON from a server may hold it, and it must travel as an own
 * data property (fast-check's dictionary defines it as one, so must every builder here).
 */
export const keyArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
  { weight: 2, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'a.b', 'a\\b', '\\.', '', '0', '10', 'toString', 'x y', 'get', 'keys', 'message', 'cause') },
);

/** Object.assign for own enumerable keys, except that "__proto__" becomes a property rather than calling the prototype setter. */
export function assignOwn<T extends object>(target: T, source: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(source)) {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return target;
}

export const mapKeyArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 5 }),
  fc.constant('__proto__'),
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);

const errorClasses = [Error, TypeError, RangeError, SyntaxError, RequestFailure] as const;

/** Leaves the codec carries: JSON, superjson types, binary, FnRef. */
export const leafArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.double(),
  fc.integer(),
  fc.constantFrom(-0, NaN, Infinity, -Infinity),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.date(),
  fc.constant(null).map(() => new Date(Number.NaN)),
  fc.constantFrom('a+b/g', 'x/', '[\\s\\S]*/imsu', '\\//y').map((text) => {
    const slash = text.lastIndexOf('/');
    return new RegExp(text.slice(0, slash), text.slice(slash + 1));
  }),
  fc.webUrl({ withQueryParameters: true, withFragments: true }).map((url) => new URL(url)),
  fc.uint8Array({ maxLength: 16 }),
  fc.uint8Array({ maxLength: 16 }).map((bytes) => Buffer.from(bytes)),
  fc.float64Array({ maxLength: 4 }),
  fc.int16Array({ maxLength: 4 }),
  fc.bigInt64Array({ maxLength: 3 }),
  fc.constantFrom('add', 'greet', 'default').map((name) => fnRef(fixtureUrl, name)),
);

export interface Poison {
  readonly kind: string;
  /** The poison, and the segments from it to the part that cannot travel (empty: itself). */
  readonly make: () => { value: unknown; suffix: Segment[] };
}


export const POISONS: readonly Poison[] = [
  { kind: 'function', make: () => ({ value: () => 1, suffix: [] }) },
  { kind: 'function', make: () => ({ value: class Local {}, suffix: [] }) },
  { kind: 'symbol', make: () => ({ value: Symbol('poison'), suffix: [] }) },
  { kind: 'stream', make: () => ({ value: new PassThrough(), suffix: [] }) },
  { kind: 'stream', make: () => ({ value: { pipe: (): void => undefined }, suffix: [] }) },
  { kind: 'EventEmitter', make: () => ({ value: new EventEmitter(), suffix: [] }) },
  { kind: 'WeakMap', make: () => ({ value: new WeakMap(), suffix: [] }) },
  { kind: 'Promise', make: () => ({ value: Promise.resolve(1), suffix: [] }) },
  { kind: 'ArrayBuffer', make: () => ({ value: new ArrayBuffer(4), suffix: [] }) },
  { kind: 'DataView', make: () => ({ value: new DataView(new ArrayBuffer(4)), suffix: [] }) },
  { kind: 'instance of Unregistered', make: () => ({ value: new Unregistered(), suffix: [] }) },
  { kind: 'instance of Number', make: () => ({ value: new Number(3), suffix: [] }) },
  // eslint-disable-next-line no-sparse-arrays
  { kind: 'array hole', make: () => ({ value: [1, , 3], suffix: [{ type: 'index', index: 1 }] }) },
  { kind: 'non-index property of an Array', make: () => ({ value: Object.assign([1], { extra: 1 }), suffix: [{ type: 'prop', key: 'extra' }] }) },
  {
    kind: 'symbol key',
    make: () => {
      const key = Symbol('tag');
      return { value: { ok: 1, [key]: 2 }, suffix: [{ type: 'symbolKey', key }] };
    },
  },
  // Plain objects carry such a key; an instance of a registered class cannot (superjson's class rule would Object.assign it back).
  { kind: '__proto__ key', make: () => ({ value: assignOwn(new Point(1, 2), JSON.parse('{"__proto__":{"b":2}}') as Record<string, unknown>), suffix: [{ type: 'prop', key: '__proto__' }] }) },
  {
    kind: 'unreadable property',
    make: () => {
      // V8 formats the stack lazily with error.toString(), which throws for this message.
      const error = new Error('unprintable');
      error.message = Object.create(null) as string;
      return { value: error, suffix: [{ type: 'prop', key: 'stack' }] };
    },
  },
  {
    kind: 'unreadable property',
    make: () => ({
      value: {
        get broken(): never {
          throw new Error('getter refuses');
        },
      },
      suffix: [{ type: 'prop', key: 'broken' }],
    }),
  },
  { kind: 'property of a Map', make: () => ({ value: Object.assign(new Map([[1, 2]]), { note: 'x' }), suffix: [{ type: 'prop', key: 'note' }] }) },
];

export interface ValueArbs {
  readonly clean: fc.Arbitrary<unknown>;
  readonly mixed: fc.Arbitrary<unknown>;
}

/**
 * `clean`: values that must round-trip exactly. `mixed`: the same plus poisons and
 * cycles, each made fresh inside .map so no generated input is ever mutated.
 */
function valueArbs(withTrouble: boolean): fc.Arbitrary<unknown> {
  const { value } = fc.letrec<{ value: unknown }>((tie) => {
    const child = tie('value');
    const branches: fc.Arbitrary<unknown>[] = [
      leafArb,
      fc.array(child, { maxLength: 4 }),
      fc.dictionary(keyArb, child, { maxKeys: 4, noNullPrototype: true }),
      fc.dictionary(keyArb, child, { maxKeys: 3, noNullPrototype: true }).map((entries) => assignOwn(Object.create(null) as object, entries)),
      fc.array(fc.tuple(fc.oneof(mapKeyArb, child), child), { maxLength: 3 }).map((entries) => new Map(entries)),
      fc.array(child, { maxLength: 3 }).map((elements) => new Set(elements)),
      fc
        .record({
          cls: fc.constantFrom(...errorClasses),
          message: fc.string({ maxLength: 8 }),
          cause: fc.option(child, { nil: undefined }),
          // Not name/message/stack: a non-string there can make the stack unreadable (a poison, below).
          props: fc.dictionary(keyArb.filter((key) => !['name', 'message', 'stack'].includes(key)), child, { maxKeys: 2, noNullPrototype: true }),
        })
        .map(({ cls, message, cause, props }) => assignOwn(new cls(message, cause === undefined ? undefined : { cause }), props)),
      fc.tuple(child, child).map(([x, y]) => new Point(x, y)),
      // The same object in two places: a DAG, not a cycle.
      child.map((shared) => ({ first: shared, second: shared })),
    ];
    if (withTrouble) {
      branches.push(
        fc.constantFrom(...POISONS).map((poison) => poison.make().value),
        child.map((inner) => {
          const holder: Record<string, unknown> = { inner };
          holder.self = holder;
          return holder;
        }),
        child.map((inner) => {
          const list: unknown[] = [inner];
          list.push({ back: list });
          return list;
        }),
        child.map((inner) => {
          const map = new Map<unknown, unknown>([['inner', inner]]);
          map.set('self', new Set([map]));
          return map;
        }),
      );
    }
    return { value: fc.oneof({ depthSize: 'small', maxDepth: 4 }, ...branches) };
  });
  return value;
}

export const cleanValueArb = valueArbs(false);
export const mixedValueArb = valueArbs(true);

/** The tests' independent judgement that `resolved` (what a PicklingError path names) really is of `kind`. */
export function isOffending(kind: string, resolved: Resolved): boolean {
  const { value } = resolved;
  const parent = resolved.ancestors.at(-1);
  switch (kind) {
    case 'function':
      return typeof value === 'function';
    case 'symbol':
      return typeof value === 'symbol';
    case 'circular reference':
      return resolved.ancestors.includes(value);
    case 'stream':
      return typeof (value as { pipe?: unknown } | null)?.pipe === 'function';
    case 'EventEmitter':
      return value instanceof EventEmitter;
    case 'array hole':
      return resolved.hole;
    case 'symbol key':
      return typeof parent === 'object' && parent !== null && Object.getOwnPropertySymbols(parent).length > 0 && resolved.lastKey === undefined;
    case '__proto__ key':
      return resolved.lastKey === '__proto__';
    case 'non-index property of an Array':
      return Array.isArray(parent) && resolved.lastKey !== undefined && !/^\d+$/.test(resolved.lastKey);
    case 'property of a Map':
      return parent instanceof Map && resolved.lastKey !== undefined;
    default: {
      if (kind.startsWith('instance of ')) {
        return typeof value === 'object' && value !== null && (value as object).constructor?.name === kind.slice('instance of '.length);
      }
      return typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === `[object ${kind}]`;
    }
  }
}
