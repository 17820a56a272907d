/**
 * The fast encoder must be invisible: wherever it does not give up, it produces
 * exactly superjson's json, meta.values and side-channel buffers.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { collectingBinaryParts } from '../dist/binary-channel.js';
import { fastSerialize } from '../dist/fast-serialize.js';
import { superjson } from '../dist/registry.js';
import { Pair, Point, cleanValueArb } from './helpers/arbitraries.js';


function bothWays(value: unknown) {
  const fastBuffers: Uint8Array[] = [];
  const fast = collectingBinaryParts(fastBuffers, () => fastSerialize(value));
  const slowBuffers: Uint8Array[] = [];
  const slow = collectingBinaryParts(slowBuffers, () => superjson().serialize(value));
  return { fast, fastBuffers, slow: { json: slow.json, values: slow.meta?.values }, slowBuffers };
}

function expectSameAsSuperjson(value: unknown): boolean {
  const { fast, fastBuffers, slow, slowBuffers } = bothWays(value);
  if (fast === undefined) return false;
  expect(fast.json).toStrictEqual(slow.json);
  expect(fast.values).toStrictEqual(slow.values);
  expect(fastBuffers).toStrictEqual(slowBuffers);
  return true;
}

describe('fastSerialize', () => {
  test('a request-shaped value: same json and annotations as superjson', () => {
    const body = Buffer.from('héllo');
    const spec = {
      method: 'GET',
      url: 'http://127.0.0.1/x',
      params: undefined,
      headers: { 'User-Agent': 'x', 'a.b': 'dotted', 'back\\slash': 'y' },
      data: body,
      again: body,
      point: new Point(1, [undefined, new Pair('k', 'v')]),
      nested: [[undefined], { deep: new Uint16Array([1, 2]) }],
    };
    expect(expectSameAsSuperjson(spec)).toBe(true);
    expect(expectSameAsSuperjson(new Point(undefined, { at: new Pair('a', 'b') }))).toBe(true);
  });

  test.each([
    ['a Date', { when: new Date(0) }],
    ['a Map', [new Map([[1, 2]])]],
    ['NaN', { n: Number.NaN }],
    ['-0', [-0]],
    ['an error', { error: new Error('x') }],
    ['a bigint', 1n],
  ])('gives %s to superjson', (_name, value) => {
    expect(bothWays(value).fast).toBeUndefined();
  });

  test.each([
    ['a null-prototype object', Object.assign(Object.create(null) as object, { a: [undefined] })],
    ['a "constructor" key', { constructor: 1 }],
    ['a "__proto__" key from JSON.parse', JSON.parse('{"__proto__": {"polluted": 1}, "a": 1}') as unknown],
    ['a "__proto__" key deep inside, with annotated values', { body: [JSON.parse('{"__proto__": {"x": null}, "b.c": 2}') as unknown, Buffer.from('x')], u: undefined }],
  ])('answers for %s, in the rf.object entries form superjson would write', (_name, value) => {
    expect(expectSameAsSuperjson(value)).toBe(true);
    expect(JSON.stringify(bothWays(value).fast?.values)).toContain('rf.object');
  });

  test('for generated values, whenever it answers, it answers as superjson does', () => {
    let answered = 0;
    fc.assert(
      fc.property(cleanValueArb, (value) => {
        if (expectSameAsSuperjson(value)) answered++;
      }),
      { numRuns: 1000 },
    );
    // The property must not pass by giving everything up.
    expect(answered).toBeGreaterThan(100);
  });
});
