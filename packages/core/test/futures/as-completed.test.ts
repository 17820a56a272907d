import { describe, expect, it } from '@jest/globals';
import { asCompleted, Future, TimeoutError } from '../../dist/futures/index.js';
import { doneWaiterCount } from '../../dist/futures/future.js';
import { activeTimerCount, nextTurn } from './support/deferred.js';

function running(): Future<string> {
  const f = new Future<string>();
  f.setRunningOrNotifyCancel();
  return f;
}
function succeeded(value: string): Future<string> {
  const f = running();
  f.setResult(value);
  return f;
}

describe('asCompleted', () => {
  it('yields the futures themselves: already-done ones first, then in finishing order', async () => {
    const doneA = succeeded('a');
    const later1 = running();
    const doneB = succeeded('b');
    const later2 = running();
    const seen: Future<string>[] = [];
    const iterate = (async () => {
      for await (const f of asCompleted([later1, doneA, later2, doneB])) {
        seen.push(f);
        if (seen.length === 2) later2.setResult('2');
        if (seen.length === 3) later1.setResult('1');
      }
    })();
    await iterate;
    expect(seen).toEqual([doneA, doneB, later2, later1]);
    expect(seen[0]).toBeInstanceOf(Future);
  });

  it('yields failed and cancelled futures too, without throwing their errors', async () => {
    const bad = running();
    const cancelMe = new Future<string>();
    const seen: Future<string>[] = [];
    const iterate = (async () => {
      for await (const f of asCompleted([bad, cancelMe])) seen.push(f);
    })();
    await nextTurn();
    bad.setException(new Error('bad'));
    cancelMe.cancel();
    await iterate;
    expect(seen).toEqual([bad, cancelMe]);
  });

  it('yields duplicates once (test_duplicate_futures)', async () => {
    const a = succeeded('a');
    const seen: Future<string>[] = [];
    for await (const f of asCompleted([a, a, a])) seen.push(f);
    expect(seen).toEqual([a]);
  });

  it('throws TimeoutError naming how many are unfinished, after the finished ones (test_zero_timeout)', async () => {
    const doneA = succeeded('a');
    const stuck1 = running();
    const stuck2 = running();
    const seen: Future<string>[] = [];
    let error: unknown;
    try {
      for await (const f of asCompleted([doneA, stuck1, stuck2], 0)) seen.push(f);
    } catch (e) {
      error = e;
    }
    expect(seen).toEqual([doneA]);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('2 (of 3) futures unfinished');
    expect(doneWaiterCount(stuck1) + doneWaiterCount(stuck2)).toBe(0);
  });

  it('times out while waiting and leaves no timer or waiter behind', async () => {
    const stuck = running();
    const finishing = running();
    const timers = activeTimerCount();
    const seen: Future<string>[] = [];
    const iteration = (async () => {
      for await (const f of asCompleted([stuck, finishing], 0.05)) seen.push(f);
    })();
    await nextTurn();
    finishing.setResult('x');
    await expect(iteration).rejects.toThrow('1 (of 2) futures unfinished');
    expect(seen).toEqual([finishing]);
    expect(doneWaiterCount(stuck)).toBe(0);
    expect(activeTimerCount()).toBeLessThanOrEqual(timers);
  });

  it('an early break detaches from the futures and the clock', async () => {
    const doneA = succeeded('a');
    const pending = [running(), running(), running()];
    const timers = activeTimerCount();
    const iterator = asCompleted([doneA, ...pending], 60);
    const waiting = (async () => {
      for await (const f of iterator) {
        if (f === doneA) continue;
        break;
      }
    })();
    await nextTurn();
    // Blocked on the pending ones now: one timer and one waiter per future.
    expect(activeTimerCount()).toBe(timers + 1);
    expect(pending.map(doneWaiterCount)).toEqual([1, 1, 1]);
    pending[1]!.setResult('first');
    await waiting;
    expect(pending.map(doneWaiterCount)).toEqual([0, 0, 0]);
    expect(activeTimerCount()).toBe(timers);
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('attaches nothing until the first next()', () => {
    const f = running();
    const iterator = asCompleted([f], 10);
    expect(doneWaiterCount(f)).toBe(0);
    void iterator.next();
    expect(doneWaiterCount(f)).toBe(1);
    void iterator.return?.();
    expect(doneWaiterCount(f)).toBe(0);
  });

  it('serves concurrent next() calls in finishing order', async () => {
    const a = running();
    const b = running();
    const iterator = asCompleted([a, b]);
    const first = iterator.next();
    const second = iterator.next();
    const third = iterator.next();
    b.setResult('b');
    a.setResult('a');
    await expect(first).resolves.toEqual({ done: false, value: b });
    await expect(second).resolves.toEqual({ done: false, value: a });
    await expect(third).resolves.toEqual({ done: true, value: undefined });
  });

  it('validates its arguments at once', () => {
    expect(() => asCompleted([running()], -1)).toThrow(/timeoutSeconds/);
    expect(() => asCompleted([{}] as never)).toThrow(/item 0 is not a Future/);
  });
});
