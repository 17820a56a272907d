import { describe, expect, it } from '@jest/globals';
import { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, Future, wait } from '../../dist/futures/index.js';
import { doneWaiterCount } from '../../dist/futures/future.js';
import { activeTimerCount, nextTurn } from './support/deferred.js';

function running(): Future<number> {
  const f = new Future<number>();
  f.setRunningOrNotifyCancel();
  return f;
}
function succeeded(value = 1): Future<number> {
  const f = running();
  f.setResult(value);
  return f;
}
function failed(): Future<number> {
  const f = running();
  f.setException(new Error('failed'));
  return f;
}
function cancelled(): Future<number> {
  const f = new Future<number>();
  f.cancel();
  return f;
}

describe('wait', () => {
  it('exports the constants with Python’s values', () => {
    expect([FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED]).toEqual([
      'FIRST_COMPLETED',
      'FIRST_EXCEPTION',
      'ALL_COMPLETED',
    ]);
  });

  it('FIRST_COMPLETED returns when one finishes (test_first_completed)', async () => {
    const a = running();
    const b = running();
    const waiting = wait([a, b], { returnWhen: FIRST_COMPLETED });
    await nextTurn();
    b.setResult(2);
    const { done, notDone } = await waiting;
    expect([...done]).toEqual([b]);
    expect([...notDone]).toEqual([a]);
    expect(doneWaiterCount(a)).toBe(0);
  });

  it('FIRST_COMPLETED returns at once when some are already done (test_first_completed_some_already_completed)', async () => {
    const pending = running();
    const done1 = succeeded();
    const done2 = cancelled();
    const result = await wait([done1, done2, pending], { returnWhen: FIRST_COMPLETED });
    expect(result.done).toEqual(new Set([done1, done2]));
    expect(result.notDone).toEqual(new Set([pending]));
    expect(doneWaiterCount(pending)).toBe(0);
  });

  it('FIRST_EXCEPTION returns on the first failure, not on success or cancel (test_first_exception)', async () => {
    const ok = running();
    const cancelMe = new Future<number>();
    const bad = running();
    const slow = running();
    let settled = false;
    const waiting = wait([ok, cancelMe, bad, slow], { returnWhen: FIRST_EXCEPTION }).then((r) => {
      settled = true;
      return r;
    });
    ok.setResult(1);
    cancelMe.cancel();
    await nextTurn();
    expect(settled).toBe(false);
    bad.setException(new Error('x'));
    const { done, notDone } = await waiting;
    expect(done).toEqual(new Set([ok, cancelMe, bad]));
    expect(notDone).toEqual(new Set([slow]));
    expect(doneWaiterCount(slow)).toBe(0);
  });

  it('FIRST_EXCEPTION returns at once when a failure is already there (test_first_exception_some_already_complete)', async () => {
    const bad = failed();
    const pending = running();
    const { done, notDone } = await wait([succeeded(), bad, pending], { returnWhen: FIRST_EXCEPTION });
    expect(done.has(bad)).toBe(true);
    expect(notDone).toEqual(new Set([pending]));
  });

  it('FIRST_EXCEPTION without any failure behaves as ALL_COMPLETED', async () => {
    const a = running();
    const b = running();
    const waiting = wait([a, b], { returnWhen: FIRST_EXCEPTION });
    a.setResult(1);
    await nextTurn();
    b.setResult(2);
    const { done, notDone } = await waiting;
    expect(done).toEqual(new Set([a, b]));
    expect(notDone.size).toBe(0);
  });

  it('ALL_COMPLETED (the default) waits for every future, cancelled ones included (test_all_completed)', async () => {
    const futures = [succeeded(), failed(), running(), new Future<number>()];
    let settled = false;
    const waiting = wait(futures).then((r) => {
      settled = true;
      return r;
    });
    futures[2]!.setResult(3);
    await nextTurn();
    expect(settled).toBe(false);
    futures[3]!.cancel();
    const { done, notDone } = await waiting;
    expect(done).toEqual(new Set(futures));
    expect(notDone.size).toBe(0);
  });

  it('returns what is done when the timeout passes, and leaves nothing attached (test_timeout)', async () => {
    const finished = succeeded();
    const stuck = running();
    const timers = activeTimerCount();
    const { done, notDone } = await wait([finished, stuck], { timeout: 0.03 });
    expect(done).toEqual(new Set([finished]));
    expect(notDone).toEqual(new Set([stuck]));
    expect(doneWaiterCount(stuck)).toBe(0);
    expect(activeTimerCount()).toBeLessThanOrEqual(timers);
    expect(stuck.running()).toBe(true);
  });

  it('clears its timer when the condition is met before the timeout', async () => {
    const a = running();
    const timers = activeTimerCount();
    const waiting = wait([a], { timeout: 30 });
    expect(activeTimerCount()).toBe(timers + 1);
    a.setResult(1);
    await waiting;
    expect(activeTimerCount()).toBe(timers);
  });

  it('timeout 0 answers at once', async () => {
    const a = running();
    const { done, notDone } = await wait([a, succeeded()], { timeout: 0 });
    expect(done.size).toBe(1);
    expect(notDone).toEqual(new Set([a]));
  });

  it('collapses duplicates and accepts any iterable, including an empty one', async () => {
    const a = succeeded();
    const { done } = await wait(new Set([a, a]).values());
    expect([...done]).toEqual([a]);
    const empty = await wait([], { returnWhen: FIRST_COMPLETED });
    expect([empty.done.size, empty.notDone.size]).toEqual([0, 0]);
    const twice = running();
    const waiting = wait([twice, twice], { returnWhen: FIRST_COMPLETED });
    twice.setResult(1);
    expect((await waiting).done).toEqual(new Set([twice]));
  });

  it('rejects bad arguments, naming them', async () => {
    await expect(wait([running()], { timeout: -1 })).rejects.toThrow(/timeout/);
    await expect(wait([running()], { timeout: Number.NaN })).rejects.toThrow(RangeError);
    await expect(wait([running()], { returnWhen: 'SOMETIMES' as never })).rejects.toThrow(/returnWhen/);
    await expect(wait([succeeded(), Promise.resolve(1)] as never)).rejects.toThrow(/item 1 is not a Future \(got Promise\)/);
    await expect(wait(42 as never)).rejects.toThrow(TypeError);
  });
});
