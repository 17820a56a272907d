/**
 * A "__proto__" key is data (JSON.parse makes one from a server's body, a header
 * map, a query): it crosses the boundary as an own data property, through the
 * fast encoder and through superjson's path, and nothing on either side gets a
 * new prototype. superjson alone throws on such a key (plainer.js) and refuses
 * any annotation path through it (accessDeep.js); object-transformer.ts is
 * where the codec works around both.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import v8 from 'node:v8';
import { PicklingError, decode, encode, registerClass, type Wire } from '@requests-futures/serializer';
import { fastSerialize } from '../dist/fast-serialize.js';
import { findDifference } from './helpers/strict-equality.js';

const BODY = '{"__proto__": {"polluted": 1}, "a": 1}';

function acrossTheBoundary<T>(value: T): T {
  return decode<T>(v8.deserialize(v8.serialize(encode(value))) as Wire);
}

/** The own "__proto__" property's value, read without the accessor. */
function ownProto(value: unknown): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(value as object, '__proto__');
  if (descriptor === undefined) throw new Error('no own __proto__ property');
  expect(descriptor).toMatchObject({ enumerable: true, writable: true, configurable: true });
  return descriptor.value;
}

function expectCarried(decoded: unknown, proto: unknown = Object.prototype): void {
  expect(Object.getPrototypeOf(decoded)).toBe(proto);
  expect(Object.hasOwn(decoded as object, '__proto__')).toBe(true);
}

class Holder {
  constructor(public data: unknown) {}
}
registerClass(Holder, 'test.proto.Holder');

afterEach(() => {
  // Nothing anywhere in this realm picked up the payload's keys.
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect((Object.prototype as unknown as Record<string, unknown>).polluted).toBeUndefined();
});

describe('a "__proto__" key crosses as an own data property', () => {
  test('JSON.parse output, through the fast encoder', () => {
    const value: unknown = JSON.parse(BODY);
    expect(fastSerialize(value)).toBeDefined();
    const decoded = acrossTheBoundary(value);
    expectCarried(decoded);
    expect(ownProto(decoded)).toEqual({ polluted: 1 });
    expect(Object.getPrototypeOf(ownProto(decoded))).toBe(Object.prototype);
    expect((decoded as { a: number }).a).toBe(1);
    expect(Object.keys(decoded as object)).toEqual(['__proto__', 'a']);
    expect(findDifference(value, decoded)).toBeUndefined();
  });

  test('through superjson: annotated values (BigInt, Date, bytes) inside and beside it', () => {
    const value: unknown = JSON.parse(BODY);
    const inner = ownProto(value) as Record<string, unknown>;
    inner.big = 10n;
    inner.when = new Date(7);
    (value as Record<string, unknown>).bytes = Buffer.from('xyz');
    expect(fastSerialize(value)).toBeUndefined(); // the BigInt sends it to superjson
    const decoded = acrossTheBoundary(value);
    expectCarried(decoded);
    expect(ownProto(decoded)).toEqual({ polluted: 1, big: 10n, when: new Date(7) });
    expect(findDifference(value, decoded)).toBeUndefined();
  });

  test('nested in arrays, Map values, Map keys, Sets, error properties and a registered class field', () => {
    const parsed = (): Record<string, unknown> => JSON.parse(BODY) as Record<string, unknown>;
    const error = new RangeError('with data');
    Object.defineProperty(error, '__proto__', { value: parsed(), enumerable: true, writable: true, configurable: true });
    const value = {
      list: [[parsed()]],
      map: new Map<unknown, unknown>([['__proto__', parsed()], [parsed(), 1n]]),
      set: new Set([parsed()]),
      error,
      holder: new Holder(parsed()),
    };
    const decoded = acrossTheBoundary(value);
    expect(findDifference(value, decoded)).toBeUndefined();
    expectCarried(decoded.list[0]![0]);
    expectCarried(decoded.map.get('__proto__'));
    expectCarried([...decoded.map.keys()][1]);
    expectCarried([...decoded.set][0]);
    expectCarried(decoded.error, RangeError.prototype);
    expect(findDifference(JSON.parse(BODY), ownProto(decoded.error))).toBeUndefined();
    expect(decoded.holder).toBeInstanceOf(Holder);
    expectCarried(decoded.holder.data);
  });

  test('a null-prototype object keeps both its null prototype and the key', () => {
    const value = Object.create(null) as Record<string, unknown>;
    Object.defineProperty(value, '__proto__', { value: { deep: JSON.parse(BODY) as unknown }, enumerable: true, writable: true, configurable: true });
    const decoded = acrossTheBoundary(value);
    expectCarried(decoded, null);
    expectCarried((ownProto(decoded) as { deep: unknown }).deep);
    expect(findDifference(value, decoded)).toBeUndefined();
  });

  test('an object rebuilt by v8 (what Node itself hands over) is carried the same way', () => {
    const rebuilt = v8.deserialize(v8.serialize({ data: JSON.parse(BODY) as unknown })) as { data: unknown };
    const decoded = acrossTheBoundary(rebuilt);
    expectCarried(decoded.data);
    expect(ownProto(decoded.data)).toEqual({ polluted: 1 });
  });
});

describe('what is still refused, and hostile wires', () => {
  test('an own "__proto__" on a registered class instance is refused by name (superjson would Object.assign it)', () => {
    const holder = new Holder(1);
    Object.defineProperty(holder, '__proto__', { value: { polluted: 1 }, enumerable: true, writable: true, configurable: true });
    expect(() => encode({ result: holder })).toThrow(PicklingError);
    expect(() => encode({ result: holder })).toThrow(/Cannot pickle __proto__ key at value\.result\.__proto__/);
  });

  test('a wire whose JSON tree itself holds a "__proto__" key decodes it as an own property', () => {
    // Not what encode() writes (such objects travel as entries), but a wire made elsewhere may.
    const wire = JSON.parse('{"json": {"x": {"__proto__": {"polluted": 1}}}, "buffers": []}') as Wire;
    const decoded = decode<{ x: unknown }>(wire);
    expectCarried(decoded.x);
    expect(ownProto(decoded.x)).toEqual({ polluted: 1 });
  });

  test('a wire with an annotation path through "__proto__" is refused, not applied', () => {
    const wire = JSON.parse('{"json": {"__proto__": {"when": "1970-01-01T00:00:00.000Z"}}, "meta": {"values": {"__proto__.when": ["Date"]}, "v": 1}, "buffers": []}') as Wire;
    expect(() => decode(wire)).toThrow(/__proto__/);
  });

  test('malformed entries in the rf.object form are a WireFormatError', () => {
    const wire = encode(JSON.parse(BODY));
    const broken = { ...wire, json: [0, [[1, 'key is not a string']]] };
    expect(() => decode(broken)).toThrow(/malformed object entry/);
  });
});
