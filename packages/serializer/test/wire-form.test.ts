/**
 * A value its owner writes in a form of its own (wire-form.ts): encode() takes
 * the wire as written, decode() hands the JSON and the bytes back to the
 * owner's reader, on every route a wire can cross (packed, as a tree, superjson).
 */
import { describe, expect, test } from '@jest/globals';
import v8 from 'node:v8';
import { InWireForm, PicklingError, isJsonNumber, WireFormatError, decode, encode, fnRef, packCall, packWire, registerWireForm, type BinaryPartWriter, type PackedWire, type Wire } from '@requests-futures/serializer';
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

describe('a value in its wire form inside another', () => {
  const task = fnRef('file:///somewhere/task.js', 'runTask');
  const across = <T>(wire: Wire | PackedWire): T => decode<T>(v8.deserialize(v8.serialize(wire)) as Wire | PackedWire);

  test("packCall splices a lone argument's wire as written: one custom annotation at args.0, the same as the general path's", () => {
    const packed = packCall(task, [written(['a', 1], [Buffer.from('b')])]) as PackedWire;
    expect(typeof packed.text).toBe('string');
    expect(JSON.parse(packed.meta!)).toEqual({ values: { fn: [['class', expect.any(String)]], 'args.0': [['custom', 'test.form']] }, v: 1 });
    const general = packWire(encode({ fn: task, args: [written(['a', 1], [Buffer.from('b')])] }, { rootPath: '' })) as PackedWire;
    expect(packed.text).toBe(general.text);
    expect(JSON.parse(packed.meta!)).toEqual(JSON.parse(general.meta!));
    const { fn, args } = across<{ fn: unknown; args: [Read] }>(packed);
    expect(fn).toEqual(task);
    expect(args[0].fields).toEqual(['a', 1]);
    expect(Buffer.from(args[0].bytes[0] as Buffer).toString()).toBe('b');
  });

  test('a long text crosses unpacked (as a tree), as encode() leaves such a wire', () => {
    const long = 'L'.repeat(70 * 1024);
    const wire = packCall(task, [written([long], [])]);
    expect('text' in wire).toBe(false);
    expect(across<{ args: [Read] }>(wire).args[0].fields).toEqual([long]);
  });

  test.each([
    ['the fast walk', () => ({ spec: written(['x'], [new Uint8Array([7])]), n: 1 })],
    ['superjson (another value makes the walk give up)', () => ({ spec: written(['x'], [new Uint8Array([7])]), at: new Date(3) })],
    ['packCall with other arguments', () => [written(['x'], [new Uint8Array([7])]), 'other']],
  ])('a general encode carries it, through %s', (_route, make) => {
    const value = make();
    const wire = Array.isArray(value) ? packCall(task, value) : encode(value);
    const back = across<Record<string, unknown>>(wire);
    const read = (Array.isArray(value) ? (back.args as unknown[])[0] : back.spec) as Read;
    expect(read.fields).toEqual(['x']);
    expect([...(read.bytes[0] as Uint8Array)]).toEqual([7]);
    if (!Array.isArray(value) && 'at' in value) expect(back.at).toEqual(new Date(3));
  });

  test('the picklability check passes it, and still refuses what is beside it, with its path', () => {
    expect(() => encode({ spec: written([], []), cb: () => 1 })).toThrow(PicklingError);
    expect(() => encode({ spec: written([], []), cb: () => 1 })).toThrow(/value\.cb/);
  });
});

describe('isJsonNumber', () => {
  test('is true only for numbers JSON.parse(JSON.stringify(n)) gives back as they were', () => {
    for (const n of [0, 1, -1, 0.5, 1e300, Number.MAX_SAFE_INTEGER]) {
      expect(isJsonNumber(n)).toBe(true);
      expect(Object.is(JSON.parse(JSON.stringify(n)), n)).toBe(true);
    }
    for (const n of [NaN, Infinity, -Infinity, -0, '1', null, undefined, 1n]) expect(isJsonNumber(n)).toBe(false);
  });
});
