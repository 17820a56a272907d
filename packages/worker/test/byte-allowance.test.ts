/**
 * A child's share of maxBytesPerSecond (byte-allowance.ts): it asks for the
 * next batch while it still holds one, makes readers in debt wait for the
 * grant, keeps one request outstanding, and gives its balance back once idle
 * (also when the grant arrives after it went idle).
 */
import { expect, it } from '@jest/globals';
import { ByteAllowance } from '../dist/byte-allowance.js';

const BATCH = 64 * 1024;

function allowance() {
  const asked: number[] = [];
  const returned: number[] = [];
  const budget = new ByteAllowance(BATCH, { ask: (bytes) => asked.push(bytes), giveBack: (bytes) => returned.push(bytes) });
  return { budget, asked, returned };
}

it('a reader in debt waits for the grant; one request covers the debt and a batch', async () => {
  const { budget, asked } = allowance();
  const wait = budget.spend(16 * 1024);
  expect(wait).toBeInstanceOf(Promise);
  expect(budget.spend(16 * 1024)).toBeInstanceOf(Promise);
  // One request outstanding, sized by the debt when it was made.
  expect(asked).toEqual([BATCH + 16 * 1024]);
  let woken = false;
  void wait!.then(() => (woken = true));
  budget.granted(BATCH + 16 * 1024);
  await wait;
  expect(woken).toBe(true);
  // 16 KiB still owed out of the grant's batch: 48 KiB left, under a batch, so the next one is asked for at once.
  expect(asked).toEqual([BATCH + 16 * 1024, BATCH]);
});

it('asks for the next batch before running out, and reading goes on meanwhile', () => {
  const { budget, asked } = allowance();
  void budget.spend(1);
  budget.granted(BATCH + 1);
  // A batch held: nothing more asked for yet.
  expect(asked).toEqual([BATCH + 1]);
  // 10 KiB read leaves less than a batch: the next one is asked for, and the reader does not wait.
  expect(budget.spend(10 * 1024)).toBeUndefined();
  expect(asked).toEqual([BATCH + 1, BATCH]);
  // Still one request outstanding however much is read meanwhile.
  expect(budget.spend(10 * 1024)).toBeUndefined();
  expect(asked).toEqual([BATCH + 1, BATCH]);
});

it('an idle child gives its balance back, and a grant that arrives after it went idle too', () => {
  const { budget, asked, returned } = allowance();
  void budget.spend(1);
  budget.granted(BATCH + 1);
  expect(budget.spend(1)).toBeUndefined();
  expect(asked).toEqual([BATCH + 1, BATCH]);
  // Idle with a request on its way: the balance waits for it, then all of it goes back.
  budget.release();
  expect(returned).toEqual([]);
  budget.granted(BATCH);
  expect(returned).toEqual([2 * BATCH - 1]);
  // Nothing left to give.
  budget.release();
  expect(returned).toEqual([2 * BATCH - 1]);
});
