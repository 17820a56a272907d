/**
 * RenewingSet / RenewingMap (renewing-collections.ts) behave as the Set and
 * Map they stand in for across their renewals: members, order, size, and a
 * loop that deletes while it iterates. The reason they exist (tables that
 * keep a pool's finished tasks alive into the old generation) is measured by
 * benchmarks/cpu/cpu-per-get.mjs, not here.
 */
import { describe, expect, it } from '@jest/globals';
import { RenewingMap, RenewingSet } from '../../dist/executors/renewing-collections.js';

describe('RenewingSet', () => {
  it('keeps its members and their order through many renewals, as a Set does', () => {
    const renewing = new RenewingSet<number>();
    const plain = new Set<number>();
    // Members come and go as tasks in flight do: 16 at a time, thousands through.
    for (let i = 0; i < 5000; i++) {
      renewing.add(i);
      plain.add(i);
      if (i >= 16) {
        expect(renewing.delete(i - 16)).toBe(plain.delete(i - 16));
      }
      if (i % 997 === 0) expect([...renewing]).toEqual([...plain]);
    }
    expect(renewing.size).toBe(16);
    expect([...renewing.values()]).toEqual([...plain.values()]);
    expect(renewing.has(4999)).toBe(true);
    expect(renewing.has(10)).toBe(false);
    expect(renewing.delete(10)).toBe(false);
    // Adding a member already there changes neither size nor order.
    renewing.add(4990);
    expect([...renewing]).toEqual([...plain]);
    renewing.clear();
    expect(renewing.size).toBe(0);
    expect([...renewing]).toEqual([]);
  });

  it('a loop that deletes the members it visits visits each once, whenever the last renewal was', () => {
    const renewing = new RenewingSet<number>();
    for (let i = 0; i < 300; i++) renewing.add(i);
    for (let i = 0; i < 290; i++) renewing.delete(i);
    // The next add renews: the loop below runs over the renewed Set.
    renewing.add(1000);
    const visited: number[] = [];
    for (const member of renewing) {
      visited.push(member);
      renewing.delete(member);
    }
    expect(visited).toEqual([290, 291, 292, 293, 294, 295, 296, 297, 298, 299, 1000]);
    expect(renewing.size).toBe(0);
  });
});

describe('RenewingMap', () => {
  it('keeps its entries through many renewals, as a Map does', () => {
    const renewing = new RenewingMap<number, string>();
    for (let i = 0; i < 3000; i++) {
      renewing.set(i, `task ${i}`);
      if (i >= 8) expect(renewing.delete(i - 8)).toBe(true);
    }
    expect(renewing.size).toBe(8);
    expect(renewing.get(2999)).toBe('task 2999');
    expect(renewing.get(100)).toBeUndefined();
    expect(renewing.has(2992)).toBe(true);
    expect(renewing.delete(100)).toBe(false);
    renewing.set(2992, 'replaced');
    expect([...renewing.values()]).toEqual(['replaced', ...Array.from({ length: 7 }, (_, k) => `task ${2993 + k}`)]);
  });
});
