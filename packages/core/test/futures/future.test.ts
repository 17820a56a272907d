import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { CancelledError, Future, InvalidStateError, TimeoutError } from '../../dist/futures/index.js';
import { activeTimerCount, deferred, nextTurn } from './support/deferred.js';

/** Runs an ES module body with `Future` in scope in a fresh node, where unhandled rejections are fatal. */
function runScript(body: string): { status: number | null; stdout: string; stderr: string } {
  const futureModule = fileURLToPath(new URL('../../dist/futures/future.js', import.meta.url));
  const script = `const { Future } = await import(${JSON.stringify(futureModule)});\n${body}`;
  const child = spawnSync(process.execPath, ['--unhandled-rejections=strict', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

/** Futures in each state, as CPython's test_concurrent_futures builds them. */
function pendingFuture(): Future<number> {
  return new Future<number>();
}
function runningFuture(): Future<number> {
  const f = new Future<number>();
  f.setRunningOrNotifyCancel();
  return f;
}
function cancelledFuture(): Future<number> {
  const f = new Future<number>();
  f.cancel();
  return f;
}
function exceptionFuture(error: unknown = new Error('boom')): Future<number> {
  const f = new Future<number>();
  f.setRunningOrNotifyCancel();
  f.setException(error);
  return f;
}
function successfulFuture(value = 42): Future<number> {
  const f = new Future<number>();
  f.setRunningOrNotifyCancel();
  f.setResult(value);
  return f;
}

describe('Future state machine', () => {
  it('starts pending', () => {
    const f = pendingFuture();
    expect([f.cancelled(), f.running(), f.done()]).toEqual([false, false, false]);
  });

  it('moves PENDING → RUNNING → FINISHED', () => {
    const f = pendingFuture();
    expect(f.setRunningOrNotifyCancel()).toBe(true);
    expect([f.running(), f.done()]).toEqual([true, false]);
    expect(f.setResult(7)).toBe(true);
    expect([f.running(), f.done(), f.cancelled()]).toEqual([false, true, false]);
  });

  it('refuses to start twice, naming the state', () => {
    const f = runningFuture();
    expect(() => f.setRunningOrNotifyCancel()).toThrow(InvalidStateError);
    expect(() => f.setRunningOrNotifyCancel()).toThrow(/state=running/);
  });

  it('tells the executor not to run a cancelled or already settled future', () => {
    expect(cancelledFuture().setRunningOrNotifyCancel()).toBe(false);
    const settled = pendingFuture();
    settled.setResult(1); // allowed straight from PENDING, as in Python
    expect(settled.setRunningOrNotifyCancel()).toBe(false);
  });

  it('ignores setResult/setException once done, without throwing', async () => {
    const f = successfulFuture(1);
    expect(f.setResult(2)).toBe(false);
    expect(f.setException(new Error('late'))).toBe(false);
    await expect(f.result()).resolves.toBe(1);
    const c = cancelledFuture();
    expect(c.setResult(3)).toBe(false);
    expect(c.cancelled()).toBe(true);
  });

  // test_cancel
  it('cancels only while pending; true again when already cancelled', () => {
    const states = [pendingFuture(), runningFuture(), cancelledFuture(), exceptionFuture(), successfulFuture()];
    expect(states.map((f) => f.cancel())).toEqual([true, false, true, false, false]);
    expect(states.map((f) => f.cancelled())).toEqual([true, false, true, false, false]);
    expect(states.map((f) => f.done())).toEqual([true, false, true, true, true]);
  });

  it('describes itself with state and outcome (test_repr)', () => {
    expect(String(pendingFuture())).toBe('Future(state=pending)');
    expect(String(runningFuture())).toBe('Future(state=running)');
    expect(String(cancelledFuture())).toBe('Future(state=cancelled)');
    expect(String(exceptionFuture(new TypeError('x')))).toBe('Future(state=finished raised TypeError)');
    expect(String(successfulFuture())).toBe('Future(state=finished returned number)');
  });
});

describe('Future.result / exception', () => {
  it('resolves with the value and rejects with the task error itself', async () => {
    await expect(successfulFuture(5).result()).resolves.toBe(5);
    const error = new RangeError('mine');
    await expect(exceptionFuture(error).result()).rejects.toBe(error);
  });

  it('rejects a cancelled future with CancelledError', async () => {
    const rejection = cancelledFuture().result();
    await expect(rejection).rejects.toBeInstanceOf(CancelledError);
    await expect(rejection).rejects.toMatchObject({ name: 'CancelledError', code: 'ERR_CANCELLED' });
  });

  it('waits for a later outcome without a timeout (undefined or null)', async () => {
    const f = runningFuture();
    const forever = f.result();
    const alsoForever = f.result(null);
    f.setResult(9);
    await expect(forever).resolves.toBe(9);
    await expect(alsoForever).resolves.toBe(9);
  });

  it('times out the wait, not the task (test_result_with_timeout)', async () => {
    const f = runningFuture();
    const timers = activeTimerCount();
    const error = await f.result(0.02).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ERR_WAIT_TIMEOUT' });
    expect(f.running()).toBe(true);
    expect(activeTimerCount()).toBeLessThanOrEqual(timers);
    f.setResult(1);
    await expect(f.result(0.02)).resolves.toBe(1);
  });

  it('timeout 0 answers at once: value when done, TimeoutError when not', async () => {
    await expect(pendingFuture().result(0)).rejects.toBeInstanceOf(TimeoutError);
    await expect(successfulFuture(3).result(0)).resolves.toBe(3);
  });

  it('clears its timer when the future settles in time', async () => {
    const f = runningFuture();
    const timers = activeTimerCount();
    const waiting = f.result(30);
    expect(activeTimerCount()).toBe(timers + 1);
    f.setResult(4);
    await expect(waiting).resolves.toBe(4);
    expect(activeTimerCount()).toBe(timers);
  });

  it('validates the timeout, naming the argument', async () => {
    const f = successfulFuture();
    await expect(f.result(-1)).rejects.toThrow(RangeError);
    await expect(f.result(-1)).rejects.toThrow(/timeoutSeconds/);
    await expect(f.result(Number.NaN)).rejects.toThrow(/timeoutSeconds.*NaN/);
    await expect(f.exception(-0.5)).rejects.toThrow(RangeError);
    await expect(f.result('1' as unknown as number)).rejects.toThrow(TypeError);
  });

  it('exception(): undefined on success, the error on failure (test_exception_with_timeout)', async () => {
    await expect(successfulFuture().exception()).resolves.toBeUndefined();
    const error = new Error('e');
    await expect(exceptionFuture(error).exception()).resolves.toBe(error);
    await expect(cancelledFuture().exception()).rejects.toBeInstanceOf(CancelledError);
    await expect(runningFuture().exception(0.01)).rejects.toBeInstanceOf(TimeoutError);
    const later = runningFuture();
    const waiting = later.exception();
    later.setException(error);
    await expect(waiting).resolves.toBe(error);
  });
});

describe('Future as a PromiseLike', () => {
  it('can be awaited, chained, caught and finalised', async () => {
    expect(await successfulFuture(8)).toBe(8);
    await expect(successfulFuture(2).then((v) => v * 10)).resolves.toBe(20);
    const error = new Error('x');
    await expect(exceptionFuture(error).catch((e: unknown) => e)).resolves.toBe(error);
    let finalised = false;
    await expect(
      successfulFuture(1).finally(() => {
        finalised = true;
      }),
    ).resolves.toBe(1);
    expect(finalised).toBe(true);
    await expect((async () => await cancelledFuture())()).rejects.toBeInstanceOf(CancelledError);
  });

  it('lets an unobserved failed future be collected without an unhandled rejection', () => {
    const { status, stdout, stderr } = runScript(`
      const failed = new Future(); failed.setException(new Error('nobody looks'));
      const cancelled = new Future(); cancelled.cancel();
      const aborted = new Future(); aborted.setRunningOrNotifyCancel(); aborted.abort('why');
      await new Promise((resolve) => setImmediate(resolve));
      console.log('survived');
    `);
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe('survived');
    expect(status).toBe(0);
  });
});

describe('Future.addDoneCallback', () => {
  it('calls callbacks once, in order, with the future (test_done_callback_with_result)', () => {
    const f = runningFuture();
    const calls: string[] = [];
    f.addDoneCallback((g) => calls.push(`a:${g === f}`));
    f.addDoneCallback(() => calls.push('b'));
    expect(calls).toEqual([]);
    f.setResult(5);
    f.setResult(6);
    expect(calls).toEqual(['a:true', 'b']);
  });

  it('runs callbacks on exception and on cancel', () => {
    const failed = runningFuture();
    const cancelled = pendingFuture();
    const seen: string[] = [];
    failed.addDoneCallback((g) => seen.push(`failed done=${g.done()}`));
    cancelled.addDoneCallback((g) => seen.push(`cancelled=${g.cancelled()}`));
    failed.setException(new Error('x'));
    cancelled.cancel();
    expect(seen).toEqual(['failed done=true', 'cancelled=true']);
  });

  it('calls at once when already done (test_done_callback_already_*)', () => {
    for (const f of [successfulFuture(), exceptionFuture(), cancelledFuture()]) {
      let called = 0;
      f.addDoneCallback(() => called++);
      expect(called).toBe(1);
    }
  });

  // In a fresh process: the test process is shared with other test files, and every warning heard must be this script's.
  it('reports throwing callbacks and handlers as process warnings, never fatally (test_done_callback_raises)', () => {
    const { status, stdout, stderr } = runScript(`
      const warnings = [];
      process.on('warning', (w) => warnings.push({ name: w.name, code: w.code, message: w.message, detail: w.detail }));
      const f = new Future(); f.setRunningOrNotifyCancel();
      const ran = [];
      f.addDoneCallback(function raising() { throw new Error('doh!'); });
      f.addDoneCallback(() => ran.push('after sync throw'));
      f.addDoneCallback(async () => { throw new Error('async doh'); });
      f.addDoneCallback(() => ran.push('after async throw'));
      f.setResult(1);
      const g = new Future(); g.setRunningOrNotifyCancel();
      g.onAbort(() => { throw new Error('handler broke'); });
      g.abort();
      ran.push('result ' + await f.result());
      await new Promise((resolve) => setImmediate(resolve));
      console.log(JSON.stringify({ ran, warnings }));
    `);
    expect(stderr).toMatch(/FutureCallbackWarning/);
    expect(status).toBe(0);
    const { ran, warnings } = JSON.parse(stdout) as { ran: string[]; warnings: Array<Record<string, string>> };
    expect(ran).toEqual(['after sync throw', 'after async throw', 'result 1']);
    expect(warnings.map((w) => w.name)).toEqual(Array(3).fill('FutureCallbackWarning'));
    expect(warnings.map((w) => w.code)).toEqual(Array(3).fill('ERR_FUTURE_CALLBACK'));
    expect(warnings[0]!.message).toMatch(/done callback raising of Future\(state=finished returned number\): Error: doh!/);
    expect(warnings[0]!.detail).toMatch(/Error: doh!\n\s+at raising/);
    expect(warnings.map((w) => w.message).join('\n')).toMatch(/abort handler .*handler broke/);
    expect(warnings.map((w) => w.message).join('\n')).toMatch(/async doh/);
  });

  it('removeDoneCallback detaches every registration of a function', () => {
    const f = runningFuture();
    let calls = 0;
    const cb = (): void => {
      calls++;
    };
    f.addDoneCallback(cb);
    f.addDoneCallback(cb);
    expect(f.removeDoneCallback(cb)).toBe(2);
    f.setResult(0);
    expect(calls).toBe(0);
  });

  it('refuses a non-function callback', () => {
    expect(() => pendingFuture().addDoneCallback(42 as never)).toThrow(TypeError);
  });
});

describe('Future.abort', () => {
  it('cancels a pending future, keeping the reason as cause', async () => {
    const f = pendingFuture();
    const handler = deferred<unknown>();
    f.onAbort(handler.resolve);
    expect(f.abort('stop')).toBe(true);
    expect(f.cancelled()).toBe(true);
    expect(f.setRunningOrNotifyCancel()).toBe(false);
    const error = await f.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect(error).toMatchObject({ message: 'Future aborted', cause: 'stop' });
  });

  it('stops a running future through its handler and settles it at once as cancelled', async () => {
    const f = runningFuture();
    const reasons: unknown[] = [];
    f.onAbort((reason) => reasons.push(reason));
    const reason = new Error('user pressed stop');
    expect(f.abort(reason)).toBe(true);
    expect(reasons).toEqual([reason]);
    expect([f.cancelled(), f.running(), f.done()]).toEqual([true, false, true]);
    expect(f.setResult(1)).toBe(false); // the task finishing later changes nothing
    await expect(f.result()).rejects.toMatchObject({ name: 'CancelledError', cause: reason });
    expect(f.abort()).toBe(false);
  });

  it('is a no-op on a done future and does not call handlers', () => {
    for (const f of [successfulFuture(), exceptionFuture(), cancelledFuture()]) {
      let called = false;
      f.onAbort(() => {
        called = true;
      });
      expect(f.abort()).toBe(false);
      expect(called).toBe(false);
    }
  });

  it('calls a handler registered after a running future was aborted, so a late executor still stops its task', () => {
    const f = runningFuture();
    f.abort('late');
    const reasons: unknown[] = [];
    f.onAbort((reason) => reasons.push(reason));
    expect(reasons).toEqual(['late']);
  });

  it('runs done callbacks before abort handlers', () => {
    const f = runningFuture();
    const order: string[] = [];
    f.addDoneCallback(() => order.push('callback'));
    f.onAbort(() => order.push('handler 1'));
    f.onAbort(() => order.push('handler 2'));
    expect(f.abort()).toBe(true);
    expect(order).toEqual(['callback', 'handler 1', 'handler 2']);
  });
});

describe('Future extras', () => {
  it('carries meta and user properties', () => {
    const f = new Future<number, { id: number }>({ meta: { id: 3 } });
    expect(f.meta.id).toBe(3);
    f.i = 12;
    expect(f.i).toBe(12);
    f.meta = { id: 4 };
    expect(f.meta).toEqual({ id: 4 });
  });

  it('mapResult transforms the value on the same future', async () => {
    const f = runningFuture();
    const mapped = f.mapResult((v) => `#${v}`);
    expect(mapped).toBe(f);
    f.setResult(5);
    await expect(mapped.result()).resolves.toBe('#5');
  });

  it('mapResult failing turns into the future error; cancel is shared', async () => {
    const f = runningFuture();
    const failure = new Error('bad outcome');
    f.mapResult(() => {
      throw failure;
    });
    f.setResult(1);
    await expect(f.exception()).resolves.toBe(failure);
    const p = pendingFuture();
    const q = p.mapResult(String);
    expect(q.cancel()).toBe(true);
    expect(p.cancelled()).toBe(true);
  });

  it('mapResult on an already finished future applies at once', async () => {
    await expect(successfulFuture(2).mapResult((v) => v + 1).result()).resolves.toBe(3);
    const error = new Error('kept');
    await expect(exceptionFuture(error).mapResult((v) => v + 1).exception()).resolves.toBe(error);
  });

  it('wakes several waiters and callbacks from one settle', async () => {
    const f = runningFuture();
    const results = Promise.all([f.result(), f.result(5), f.exception(), f]);
    await nextTurn();
    f.setResult(1);
    await expect(results).resolves.toEqual([1, 1, undefined, 1]);
  });
});
