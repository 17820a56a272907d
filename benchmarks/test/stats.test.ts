import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EmptySampleError, median, pairedRatios, summarize } from '../src/stats.js';

test('median of odd and even counts, input order irrelevant', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), EmptySampleError);
});

test('summarize gives median, min, max and n', () => {
  assert.deepEqual(summarize([5, 1, 9, 3, 7]), { median: 5, min: 1, max: 9, n: 5 });
});

test('pairedRatios divides repetition i by baseline repetition i and skips gaps', () => {
  const ratio = pairedRatios([10, 30, undefined, 8], [5, 10, 7, 4]);
  assert.deepEqual(ratio, { median: 2, min: 2, max: 3, n: 3 });
  assert.equal(pairedRatios([undefined], [1]), undefined);
  assert.equal(pairedRatios([1], [0]), undefined, 'a zero baseline gives no ratio, not Infinity');
});
