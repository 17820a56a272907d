/**
 * A value its owner writes in a form of its own (wire-form.ts): encode() takes
 * the wire as written, decode() hands the JSON and the bytes back to the
 * owner's reader, on every route a wire can cross (packed, as a tree, superjson).
 */
import { describe, expect, test } from '@jest/globals';
import v8 from 'node:v8';
import { InWireForm, WireFormatError, decode, encode, packWire, registerWireForm, type BinaryPartWriter, type PackedWire, type Wire } from '@requests-futures/serializer';
import { superjson } from '../dist/registry.js';

/** What the test form reads back: its JSON, with the bytes in place of their placeholders. */
interface Read {
  readonly fields: unknown[];
  readonly bytes: ArrayBufferView[];
}

registerWireForm('test.form', (json, part): Read => {
  const [fields, placeholders] = json as [unknown[], unknown[]];
  return { fields, bytes: placeholders.map(part) };
});

class Written extends InWireForm {
  constructor(
    private readonly fields: unknown[],
    private readonly bytes: ArrayBufferView[],
    form = 'test.form',
  ) {
    super(form);
  }

  writeWire(part: BinaryPartWriter): unknown {
    return [this.fields, this.bytes.map(part)];
  }
}

const written = (fields: unknown[], bytes: ArrayBufferView[]) => new Written(fields, bytes);

describe('a value in its wire form', () => {
  test('is written when encoded, each time afresh', () => {
    const value = written(['once'], [new Uint8Array([9])]);
    expect(encode(value).json).toEqual(encode(value).json);
    expect(encode(value).buffers).toHaveLength(1);
  });

  test('encodes to the wire its writer made: the JSON as written, each byte array a binary part, one root annotation', () => {
    const body = Buffer.from('body bytes');
    const wire = encode(written(['a', 1, null], [body, new Uint8Array([1, 2, 3])]));
    expect(wire.json).toEqual([['a', 1, null], [[0, 'Buffer'], [1, 'Uint8Array']]]);
    expect(wire.meta).toEqual({ values: [['custom', 'test.form']], v: 1 });
    expect(wire.buffers.map((bytes) => [...bytes])).toEqual([[...body], [1, 2, 3]]);
  });

  test.each([
    ['packed, as a pool pipe carries it', (wire: Wire) => decode<Read>(v8.deserialize(v8.serialize(packWire(wire))) as PackedWire)],
    ['as a tree', (wire: Wire) => decode<Read>(v8.deserialize(v8.serialize(wire)) as Wire)],
  ])('decodes %s through its reader, bytes of the class they were written as', (_route, across) => {
    const empty = new Uint8Array(0);
    const read = across(encode(written(['x', 2.5], [Buffer.from([0, 255]), empty])));
    expect(read.fields).toEqual(['x', 2.5]);
    expect(Buffer.isBuffer(read.bytes[0])).toBe(true);
    expect([...(read.bytes[0] as Buffer)]).toEqual([0, 255]);
    expect(Object.getPrototypeOf(read.bytes[1])).toBe(Uint8Array.prototype);
    expect(read.bytes[1]!.byteLength).toBe(0);
  });

  test('superjson reads the form too (through the same reader)', () => {
    const viaSuperjson = superjson().deserialize<unknown>({ json: ['z', []] as never, meta: { values: [['custom', 'test.form']] } });
    expect(viaSuperjson).toEqual({ fields: 'z', bytes: [] });
  });

  test('a form nobody registered is refused when encoded, naming it', () => {
    expect(() => encode(new Written([], [], 'test.unknown'))).toThrow(new TypeError('encode: no wire form is registered as "test.unknown"'));
    expect(() => registerWireForm('', () => null)).toThrow(TypeError);
  });

  test("a placeholder that points at no binary part is a WireFormatError in the reader's hands", () => {
    const wire = encode(written([], [new Uint8Array([1])]));
    expect(() => decode({ ...wire, buffers: [] })).toThrow(WireFormatError);
  });
});
