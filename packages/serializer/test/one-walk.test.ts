/**
 * One walk per crossing (#14): encode() checks while it serializes, a value
 * checked ahead (encodeAhead) is not walked again, and decode() works in place.
 * Whatever the single walk skips, the refusals stay the full check's.
 */
import { describe, expect, test } from '@jest/globals';
import v8 from 'node:v8';
import fc from 'fast-check';
import { PicklingError, decode, encode, encodeAhead, findUnpicklable, fnRef, isPackedWire, packWire, registerClass, type Wire } from '@requests-futures/serializer';

import { resolvingBinaryParts } from '../dist/binary-channel.js';
import { fastDeserialize } from '../dist/fast-deserialize.js';
import { superjson } from '../dist/registry.js';
import { Pair, cleanValueArb } from './helpers/arbitraries.js';
import { findDifference } from './helpers/strict-equality.js';

class Box {
  constructor(public inside: unknown) {}
}
registerClass(Box, 'test.oneWalk.Box');


class Bytes extends Uint8Array {}

/** An object whose `value` getter counts how often it is read. */
function counted(value: unknown): { reads: () => number; object: object } {
  let reads = 0;
  const object = {};
  Object.defineProperty(object, 'value', { enumerable: true, get: () => (reads++, value) });
  return { reads: () => reads, object };
}

function refusal(run: () => unknown): { kind: string; path: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PicklingError);
    const { kind, path } = error as PicklingError & { kind: string; path: string };
    return { kind, path };
  }
  throw new Error('expected a PicklingError');
}

describe('encode walks a value once', () => {
  test('each property of a request-shaped value is read once, not once to check and once to copy', () => {
    const { reads, object } = counted({ headers: { a: '1' }, list: [1, 'x', undefined], pair: new Pair('k', 'v') });
    const decoded = decode<{ value: unknown }>(encode({ spec: object }) as Wire);
    expect(reads()).toBe(1);
    expect(decoded).toEqual({ spec: { value: { headers: { a: '1' }, list: [1, 'x', undefined], pair: new Pair('k', 'v') } } });
  });

  test('a value encoded ahead is not read again by the encode that carries it, and the wire is the same', () => {
    const { reads, object } = counted([new Box({ bytes: Buffer.from('hi') }), new Pair('a', 'b')]);
    encodeAhead(object, { rootPath: '' });
    expect(reads()).toBe(1);
    const payload = { fn: fnRef('file:///x.js', 'run'), args: [object] };
    const wire = encode(payload, { rootPath: '' });
    expect(reads()).toBe(1);
    const again = encode(payload, { rootPath: '' });
    expect(reads()).toBe(2);
    expect(wire).toStrictEqual(again);
    const decoded = decode<{ args: [{ value: [Box, Pair] }] }>(v8.deserialize(v8.serialize(wire)) as Wire);
    expect(decoded.args[0].value[0]).toBeInstanceOf(Box);
    expect(Buffer.isBuffer((decoded.args[0].value[0].inside as { bytes: unknown }).bytes)).toBe(true);
    expect(decoded.args[0].value[1]).toEqual(new Pair('a', 'b'));
  });

  test('a wire encoded ahead is not spliced after another typed array (its placeholders count from 0): it is walked again, correctly', () => {
    const spec = { body: Buffer.from('spec') };
    encodeAhead(spec);
    const decoded = decode<{ first: Buffer; spec: { body: Buffer } }>(encode({ first: Buffer.from('first'), spec }) as Wire);
    expect(decoded.first.toString()).toBe('first');
    expect(decoded.spec.body.toString()).toBe('spec');
  });

  test('encodeAhead refuses at once, naming the path under the root given', () => {
    expect(refusal(() => encodeAhead({ hooks: { response: [() => 1] } }, { rootPath: '' }))).toEqual({ kind: 'function', path: 'hooks.response[0]' });
  });
});

describe('checkOnly: the caller vouches for the other properties', () => {
  // A header named "__proto__" is an own property, as the session's headers make it.
  const headers = () => Object.defineProperty({ Accept: '*/*' }, '__proto__', { value: 'own', enumerable: true, writable: true, configurable: true }) as Record<string, string>;
  const own = () => ({ method: 'GET', url: 'http://x/', headers: headers(), stream: false });

  test('only the named properties are read and copied; the others go into the wire as they are', () => {
    const { reads, object } = counted({ a: 1 });
    const value = { ...own(), data: object, json: null };
    const wire = encode(value, { checkOnly: ['data', 'json'] });
    expect(reads()).toBe(1);
    const json = wire.json as Record<string, unknown>;
    expect(json).not.toBe(value);
    expect(json.headers).toBe(value.headers);
    expect(json.data).not.toBe(object);
    const text = JSON.stringify(wire.json);
    const decoded = decode<{ headers: Record<string, string> }>({ json: JSON.parse(text), buffers: [] });
    expect(decoded).toEqual({ ...own(), data: { value: { a: 1 } }, json: null });
    expect(Object.getPrototypeOf(decoded.headers)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(decoded.headers, '__proto__')?.value).toBe('own');
  });

  test('while no named property changes, the object itself is the json', () => {
    const value = { ...own(), data: null, timeout: 5 };
    const wire = encode(value, { checkOnly: ['data', 'timeout', 'absent'] });
    expect(wire.json).toBe(value);
    expect(wire.meta).toBeUndefined();
  });

  test('the named properties keep their annotations and bytes; a function there is refused with its path', () => {
    const value = { ...own(), data: Buffer.from('body'), json: { missing: undefined } };
    const decoded = decode<{ data: Buffer; json: { missing: undefined }; url: string }>(v8.deserialize(v8.serialize(encode(value, { checkOnly: ['data', 'json'] }))) as Wire);
    expect(decoded.data.toString()).toBe('body');
    expect(Object.hasOwn(decoded.json, 'missing')).toBe(true);
    expect(decoded.url).toBe('http://x/');
    expect(refusal(() => encodeAhead({ ...own(), hooks: { response: [() => 1] } }, { rootPath: '', checkOnly: ['hooks'] }))).toEqual({ kind: 'function', path: 'hooks.response[0]' });
  });

  test('what the fast walk gives up on (a Date) takes the full path for the whole value, faithfully', () => {
    const value = { ...own(), json: { when: new Date(5) } };
    const decoded = decode<{ json: { when: Date }; headers: Record<string, string> }>(encode(value, { checkOnly: ['json'] }));
    expect(decoded.json.when).toEqual(new Date(5));
    expect(decoded.headers.Accept).toBe('*/*');
  });

  test('a long url still makes the wire cross as a tree', () => {
    const wire = encode({ ...own(), url: `http://x/${'a'.repeat(70_000)}`, data: null }, { checkOnly: ['data'] });
    expect(isPackedWire(packWire(wire))).toBe(false);
    expect(isPackedWire(packWire(encode({ ...own(), data: null }, { checkOnly: ['data'] })))).toBe(true);
  });
});

describe('what the single walk hands to the full check is refused as before', () => {
  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = { back: cycle };
  const holey = [1, , 3];
  const extraKey = Object.assign([1, 2], { note: 'x' });
  const symbolKey = { a: 1, [Symbol('s')]: 2 };
  const throwing = Object.defineProperty({}, 'boom', { enumerable: true, get: () => { throw new Error('no'); } });
  const shadowed = Object.assign(new Box(1), { constructor: Box });
  const extraField = Object.assign(new Pair('a', 'b'), { extra: 1 });
  const deep = (() => {
    let node: Record<string, unknown> = { leaf: () => 0 };
    for (let i = 0; i < 200; i++) node = { next: node };
    return node;
  })();
  test.each<[string, unknown]>([
    ['a cycle', { root: cycle }],
    ['an array hole', { list: holey }],
    ['a non-index array key', { list: extraKey }],
    ['a symbol key', { inner: symbolKey }],
    ['a getter that throws', { inner: throwing }],
    ['a registered instance with its own constructor key', { box: shadowed }],
    ['a compact instance with a key outside its fields', { pair: extraField }],
    ['a typed array subclass', { bytes: new Bytes(2) }],
    ['a function 200 levels down', deep],
    ['a stream-like plain object', { body: { pipe: () => undefined } }],
  ])('%s', (_name, value) => {
    const found = findUnpicklable(value, 'args[0]');
    expect(found).toBeDefined();
    expect(refusal(() => encode(value, { rootPath: 'args[0]' }))).toEqual({ kind: found!.kind, path: found!.path });
  });
});

describe('decode works in place', () => {
  test('on a wire made here, the value is built from the wire json itself (no copy)', () => {
    const wire = encode({ a: { b: [1, 2] }, c: 'x' });
    expect(wire.meta).toBeUndefined();
    expect(decode(wire)).toBe(wire.json);
  });

  test('a value superjson encodes (a Date, a Map) with a shared object still arrives as separate, equal copies', () => {
    const shared = { when: new Date(0) };
    const wire = encode({ first: shared, second: shared, map: new Map([[1, shared]]) });
    const decoded = decode<{ first: { when: Date }; second: { when: Date }; map: Map<number, { when: Date }> }>(v8.deserialize(v8.serialize(wire)) as Wire);
    expect(decoded.first).not.toBe(decoded.second);
    expect(decoded.second.when).toEqual(new Date(0));
    expect(decoded.map.get(1)!.when).toEqual(new Date(0));
    // Decoded in this realm too: the same wire, not copied first.
    const local = decode<{ first: { when: Date }; second: { when: Date } }>(encode({ first: shared, second: shared }));
    expect(local.first.when).toBeInstanceOf(Date);
    expect(local.second.when).toBeInstanceOf(Date);
  });
});

describe('fastDeserialize', () => {
  test('for generated values, whenever it answers, it answers as superjson does', () => {
    let answered = 0;
    fc.assert(
      fc.property(cleanValueArb, (value) => {
        const wire = encode(value);
        const meta = wire.meta as { values?: unknown; v?: unknown } | undefined;
        if (meta?.values === undefined) return;
        // Two copies of the same wire: both decoders work in place.
        const [forFast, forSuperjson] = [v8.deserialize(v8.serialize(wire)) as Wire, v8.deserialize(v8.serialize(wire)) as Wire];
        const fast = resolvingBinaryParts(forFast.buffers, () => fastDeserialize(structuredCopy(forFast.json), meta.values, meta.v));
        if (fast === undefined) return;
        answered++;
        const slow = resolvingBinaryParts(forSuperjson.buffers, () => superjson().deserialize({ json: structuredCopy(forSuperjson.json) as never, meta: { values: meta.values as never, v: 1 } }, { inPlace: true }));
        expect(findDifference(slow, fast.value)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
    expect(answered).toBeGreaterThan(100);
  });

  test('leaves a Date or a Map to superjson, without touching the json', () => {
    const wire = encode({ when: new Date(0), bytes: Buffer.from('x') });
    const before = JSON.stringify(wire.json);
    const meta = wire.meta as { values: unknown; v: unknown };
    expect(resolvingBinaryParts(wire.buffers, () => fastDeserialize(wire.json, meta.values, meta.v))).toBeUndefined();
    expect(JSON.stringify(wire.json)).toBe(before);
    expect(decode<{ when: Date }>(wire).when).toEqual(new Date(0));
  });
});

/** This realm's copy of a JSON tree (v8.deserialize under jest gives the main realm's objects, which neither decoder walks). */
function structuredCopy(json: unknown): unknown {
  return JSON.parse(JSON.stringify(json)) as unknown;
}
