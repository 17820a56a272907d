import { describe, expect, it } from '@jest/globals';
import { hash53 } from '../dist/util/hash53.js';
import { Hash53Set } from '../dist/util/hash53-set.js';

describe('Hash53Set', () => {
  it('answers as a Set does for 50,000 hashes, across its growth, with collisions in the low bits', () => {
    const set = new Hash53Set();
    const reference = new Set<number>();
    for (let index = 0; index < 50_000; index += 1) {
      const key = hash53(`name-${index}`);
      set.add(key);
      reference.add(key);
      // Same low 32 bits, other high bits: must probe past each other.
      const sameLowBits = (key % 4294967296) + 4294967296 * ((index % 7) + 1);
      set.add(sameLowBits);
      reference.add(sameLowBits);
    }
    expect(set.size).toBe(reference.size);
    for (const key of reference) expect(set.has(key)).toBe(true);
    for (let index = 0; index < 1_000; index += 1) {
      const absent = hash53(`other-${index}`);
      expect(set.has(absent)).toBe(reference.has(absent));
    }
  });

  it('counts a key once and holds 0 and the largest hash53 value', () => {
    const set = new Hash53Set();
    set.add(0).add(0).add(2 ** 53 - 1);
    expect(set.size).toBe(2);
    expect(set.has(0)).toBe(true);
    expect(set.has(2 ** 53 - 1)).toBe(true);
    expect(set.has(1)).toBe(false);
  });

  it.each([[-1], [1.5], [2 ** 53], [Number.NaN]])('refuses %p, which no hash53 value is', (key) => {
    expect(() => new Hash53Set().add(key)).toThrow(RangeError);
  });
});
