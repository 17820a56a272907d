/**
 * "Never silent loss across the boundary": for any value, EITHER it comes back
 * identical through encode → v8 (the tinypool transport) → decode, OR the
 * picklability check refuses it with a PicklingError whose path names a part that
 * truly cannot travel. What "identical" means is findDifference (strict-equality.ts):
 * same prototypes, -0 ≠ 0, NaN = NaN, invalid Dates stay invalid, key / Map / Set
 * order kept, typed array class and bytes, errors' name/message/stack/cause/code.
 * Not promised (so not generated here): identity of shared references (they arrive
 * as equal copies) and the class of an unregistered Error subclass.
 */
import { describe, expect, test } from '@jest/globals';
import v8 from 'node:v8';
import fc from 'fast-check';
import { PicklingError, decode, encode, findUnpicklable, type Wire } from '@requests-futures/serializer';
import { Point, POISONS, RequestFailure, cleanValueArb, isOffending, keyArb, mapKeyArb, mixedValueArb } from './helpers/arbitraries.js';
import { resolvePath, segmentsToPath, type Segment } from './helpers/path-oracle.js';
import { findDifference } from './helpers/strict-equality.js';

const RUNS = 4000;

function acrossTheBoundary(value: unknown): unknown {
  return decode(v8.deserialize(v8.serialize(encode(value))) as Wire);
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('never silent loss', () => {
  test('every value built from what the codec promises round-trips identically', () => {
    fc.assert(
      fc.property(cleanValueArb, (value) => {
        expect(findUnpicklable(value)).toBeUndefined();
        expect(findDifference(value, acrossTheBoundary(value))).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });

  test('any value, poisons and cycles included: identical round trip, or refusal pointing at a real offender', () => {
    let refused = 0;
    fc.assert(
      fc.property(mixedValueArb, (value) => {
        const problem = findUnpicklable(value);
        if (problem === undefined) {
          expect(findDifference(value, acrossTheBoundary(value))).toBeUndefined();
          return;
        }
        refused++;
        const resolved = resolvePath(value, 'value', problem.path);
        expect({ kind: problem.kind, offending: isOffending(problem.kind, resolved) }).toEqual({ kind: problem.kind, offending: true });
        // encode refuses with exactly the same error, before producing any wire.
        const error = thrownBy(() => encode(value));
        expect(error).toBeInstanceOf(PicklingError);
        expect((error as PicklingError).path).toBe(problem.path);
      }),
      { numRuns: RUNS },
    );
    // The generator must actually exercise refusals, or this property proves nothing about them.
    expect(refused).toBeGreaterThan(RUNS / 10);
  });
});

/** One step down into a fresh container; `place` puts the child in and says where it went. */
type Step =
  | { type: 'prop'; key: string; siblings: Record<string, unknown> }
  | { type: 'nullProto'; key: string; siblings: Record<string, unknown> }
  | { type: 'index'; before: unknown[]; after: unknown[] }
  | { type: 'mapValue'; key: unknown; before: [unknown, unknown][] }
  | { type: 'mapKey'; before: [unknown, unknown][] }
  | { type: 'setElement'; before: unknown[] }
  | { type: 'cause' }
  | { type: 'errorProp'; key: string }
  | { type: 'point' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ type: fc.constant('prop' as const), key: keyArb, siblings: fc.dictionary(keyArb, cleanValueArb, { maxKeys: 2, noNullPrototype: true }) }),
  fc.record({ type: fc.constant('nullProto' as const), key: keyArb, siblings: fc.dictionary(keyArb, cleanValueArb, { maxKeys: 2, noNullPrototype: true }) }),
  fc.record({ type: fc.constant('index' as const), before: fc.array(cleanValueArb, { maxLength: 2 }), after: fc.array(cleanValueArb, { maxLength: 2 }) }),
  fc.record({ type: fc.constant('mapValue' as const), key: mapKeyArb, before: fc.array(fc.tuple(mapKeyArb, cleanValueArb), { maxLength: 2 }) }),
  fc.record({ type: fc.constant('mapKey' as const), before: fc.array(fc.tuple(mapKeyArb, cleanValueArb), { maxLength: 2 }) }),
  fc.record({ type: fc.constant('setElement' as const), before: fc.array(cleanValueArb, { maxLength: 2 }) }),
  fc.constant({ type: 'cause' as const }),
  fc.record({ type: fc.constant('errorProp' as const), key: keyArb.filter((key) => !['name', 'message', 'stack', 'cause', 'code', 'errors'].includes(key)) }),
  fc.constant({ type: 'point' as const }),
);

interface Built {
  readonly container: object;
  /** Puts the child in the container and returns the path segment that reaches it. */
  readonly place: (child: unknown) => Segment;
}

const define = (target: object, key: string, value: unknown): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
};

function build(step: Step): Built {
  switch (step.type) {
    case 'prop':
    case 'nullProto': {
      const container: object = step.type === 'nullProto' ? Object.create(null) : {};
      for (const [key, value] of Object.entries(step.siblings)) define(container, key, value);
      return { container, place: (child) => (define(container, step.key, child), { type: 'prop', key: step.key }) };
    }
    case 'index': {
      const container = [...step.before, undefined, ...step.after];
      return { container, place: (child) => ((container[step.before.length] = child), { type: 'index', index: step.before.length }) };
    }
    case 'mapValue': {
      const container = new Map(step.before);
      return {
        container,
        place: (child) => {
          container.set(step.key, child);
          const position = [...container.keys()].findIndex((key) => Object.is(key, step.key) || (key === 0 && step.key === 0));
          return { type: 'mapValue', key: [...container.keys()][position], position };
        },
      };
    }
    case 'mapKey': {
      const container = new Map(step.before);
      return { container, place: (child) => (container.set(child, 'value'), { type: 'mapKey', position: container.size - 1 }) };
    }
    case 'setElement': {
      const container = new Set(step.before);
      return { container, place: (child) => (container.add(child), { type: 'index', index: container.size - 1 }) };
    }
    case 'cause': {
      const container = new RequestFailure('outer', { cause: undefined });
      return { container, place: (child) => ((container.cause = child), { type: 'prop', key: 'cause' }) };
    }
    case 'errorProp': {
      const container = new TypeError('carrier');
      return { container, place: (child) => (define(container, step.key, child), { type: 'prop', key: step.key }) };
    }
    case 'point': {
      const container = new Point(undefined, 'sibling');
      return { container, place: (child) => ((container.x = child), { type: 'prop', key: 'x' }) };
    }
  }
}

describe('the path names the one offending part', () => {
  const poisonArb = fc.oneof(
    fc.constantFrom(...POISONS).map((poison) => ({ cycleTo: undefined, poison })),
    fc.nat().map((cycleTo) => ({ cycleTo, poison: undefined })),
  );

  test('a single poison or cycle placed at a known path is reported exactly there', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 4 }), poisonArb, fc.constantFrom('value', '', 'args[0]'), (steps, { cycleTo, poison }, rootPath) => {
        fc.pre(poison !== undefined || steps.length > 0);
        // Outside in: each container is made fresh, then holds the next one.
        const built = steps.map(build);
        const segments: Segment[] = [];
        for (let i = 0; i + 1 < built.length; i++) segments.push(built[i]!.place(built[i + 1]!.container));
        const made = poison !== undefined ? poison.make() : { value: built[cycleTo! % built.length]!.container, suffix: [] };
        const root = built.length === 0 ? made.value : built[0]!.container;
        if (built.length > 0) segments.push(built[built.length - 1]!.place(made.value));
        const expectedKind = poison?.kind ?? 'circular reference';

        const error = thrownBy(() => encode(root, { rootPath }));
        expect(error).toBeInstanceOf(PicklingError);
        expect({ kind: (error as PicklingError).kind, path: (error as PicklingError).path }).toEqual({
          kind: expectedKind,
          path: segmentsToPath(rootPath, [...segments, ...made.suffix]),
        });
      }),
      { numRuns: RUNS },
    );
  });
});
