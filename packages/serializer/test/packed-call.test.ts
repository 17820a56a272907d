/**
 * packCall(fn, args) is packWire(encode({ fn, args }, { rootPath: '' })) with
 * the FnRef's part made once: the same text and meta, whatever the args.
 */
import { describe, expect, test } from '@jest/globals';
import v8 from 'node:v8';
import { PicklingError, decode, encode, encodeAhead, fnRef, packCall, packWire, type PackedWire, type Wire } from '@requests-futures/serializer';
import { findDifference } from './helpers/strict-equality.js';

const ref = fnRef('file:///somewhere/task.js', 'runTask');
const other = fnRef('file:///elsewhere/other.js', 'other');

function viaPackWire(fn: typeof ref, args: unknown[]): PackedWire | Wire {
  return packWire(encode({ fn, args }, { rootPath: '' }));
}

const cases: Array<[string, () => unknown[]]> = [
  ['a spec-like plain object', () => [{ method: 'GET', url: 'http://h/x', headers: { Accept: '*/*' }, data: null, n: 1.5, ok: true }]],
  ['no args', () => []],
  ['undefined values (annotated)', () => [undefined, { a: undefined, b: [1, undefined] }]],
  ['bytes (buffers, placeholders from 0)', () => [new Uint8Array([1, 2, 3]), { body: new Uint8Array([4]) }]],
  ['what only superjson carries (Date, Map, BigInt)', () => [new Date(0), new Map([['k', 1n]])]],
  ['an object with a "__proto__" key', () => [JSON.parse('{"__proto__": {"x": 1}}')]],
  ['a dotted key', () => [{ 'a.b': undefined }]],
];

describe('packCall', () => {
  test.each(cases)('%s: the same text and meta as packWire(encode({ fn, args })), and decodes to the payload', (_name, make) => {
    for (const fn of [ref, other, ref]) {
      const packed = packCall(fn, make());
      const expected = viaPackWire(fn, make());
      expect(packed).toEqual(expected);
      const back = decode<{ fn: typeof ref; args: unknown[] }>(v8.deserialize(v8.serialize(packed)) as PackedWire);
      expect(findDifference({ fn, args: make() }, back)).toBeUndefined();
    }
  });

  test('splices a spec encoded ahead, as encode() of the payload does', () => {
    const spec = { method: 'GET', url: 'http://h/x', hooks: { response: [ref] } };
    encodeAhead(spec, { rootPath: '' });
    const packed = packCall(ref, [spec]);
    expect(packed).toEqual(viaPackWire(ref, [{ method: 'GET', url: 'http://h/x', hooks: { response: [ref] } }]));
  });

  test('names what cannot travel by its path in the call, as the executor\'s callers wrote it', () => {
    expect(() => packCall(ref, [{ cb: () => 1 }])).toThrow(PicklingError);
    expect(() => packCall(ref, [{ cb: () => 1 }])).toThrow(/args\[0\]\.cb/);
  });

  test('leaves a payload with long strings a tree, as packWire does', () => {
    const long = 'x'.repeat(70 * 1024);
    const packed = packCall(ref, [long]);
    expect('text' in packed).toBe(false);
    expect(decode<{ args: string[] }>(packed).args[0]).toBe(long);
  });
});
