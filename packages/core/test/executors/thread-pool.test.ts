import { afterEach, describe, expect, it } from '@jest/globals';
import { fnRef, FnRefImportError } from '@requests-futures/serializer';
import { currentTask } from '../../dist/task-context.js';
import { ExecutorShutdownError } from '../../dist/executors/errors.js';
import { mapLazily } from '../../dist/executors/map-lazily.js';
import { ThreadPoolExecutor } from '../../dist/executors/thread-pool.js';
import { CancelledError, Future, TimeoutError, wait } from '../../dist/futures/index.js';
import { deferred, nextTurn, type Deferred } from '../futures/support/deferred.js';

/** Every executor a test makes is shut down (aborting what still runs) even when the test fails. */
const executors: ThreadPoolExecutor[] = [];
function executor(maxWorkers?: number): ThreadPoolExecutor {
  const made = maxWorkers === undefined ? new ThreadPoolExecutor() : new ThreadPoolExecutor({ maxWorkers });
  executors.push(made);
  return made;
}
/** Gate releasers of every probe, so a failed test cannot leave tasks (and shutdown) hanging. */
const openAllGates: Array<() => void> = [];
afterEach(async () => {
  for (const open of openAllGates.splice(0)) open();
  await Promise.all(executors.splice(0).map((e) => e.shutdown({ cancelFutures: true, abort: true })));
});

/** Counts how many tasks run at once; each task waits on its own gate, released by the test. */
function concurrencyProbe() {
  const gates: Deferred[] = [];
  const started: number[] = [];
  const startedEvent: Array<Deferred<number>> = [];
  let current = 0;
  let max = 0;
  const gate = (id: number): Deferred => (gates[id] ??= deferred());
  const startEvent = (n: number): Deferred<number> => (startedEvent[n - 1] ??= deferred<number>());
  const task = async (id: number): Promise<number> => {
    current += 1;
    max = Math.max(max, current);
    started.push(id);
    startEvent(started.length).resolve(id);
    await gate(id).promise;
    current -= 1;
    return id * 10;
  };
  openAllGates.push(() => {
    for (let id = 0; id < 1000; id++) gate(id).resolve();
  });
  return {
    task,
    started,
    get max() {
      return max;
    },
    get current() {
      return current;
    },
    release: (id: number) => gate(id).resolve(),
    /** Resolves when the n-th task (1-based) has started, or at once if it already has. */
    nthStarted: (n: number) => startEvent(n).promise,
  };
}

describe('ThreadPoolExecutor construction', () => {
  it('defaults to 8 workers and runs in this process', () => {
    const e = executor();
    expect(e.maxWorkers).toBe(8);
    expect(e.crossesProcesses).toBe(false);
  });

  it.each([0, -1, 1.5, Number.NaN, '2'])('refuses maxWorkers=%p, naming it (test_max_workers_negative)', (bad) => {
    expect(() => new ThreadPoolExecutor({ maxWorkers: bad as number })).toThrow(RangeError);
    expect(() => new ThreadPoolExecutor({ maxWorkers: bad as number })).toThrow(/maxWorkers/);
  });
});

describe('ThreadPoolExecutor.submit', () => {
  it('returns a pending future at once and runs the task with its arguments', async () => {
    const e = executor(2);
    const future = e.submit((a: number, b: string) => `${b}${a * 2}`, 21, 'x');
    expect(future).toBeInstanceOf(Future);
    expect(future.running()).toBe(false);
    await expect(future.result()).resolves.toBe('x42');
    await expect(e.submit(async (n: number) => n + 1, 1)).resolves.toBe(2);
  });

  it('delivers thrown and rejected errors through the future', async () => {
    const e = executor(2);
    const syncError = new TypeError('sync');
    const asyncError = new RangeError('async');
    const a = e.submit(() => {
      throw syncError;
    });
    const b = e.submit(async () => {
      throw asyncError;
    });
    await expect(a.exception()).resolves.toBe(syncError);
    await expect(b.result()).rejects.toBe(asyncError);
  });

  it('marks a started task as running', async () => {
    const e = executor(1);
    const gate = deferred();
    const started = deferred();
    const future = e.submit(async () => {
      started.resolve();
      await gate.promise;
    });
    await started.promise;
    expect([future.running(), future.done()]).toEqual([true, false]);
    gate.resolve();
    await future;
    expect([future.running(), future.done()]).toEqual([false, true]);
  });

  it('runs each task inside a task context with its own signal and id', async () => {
    const e = executor(2);
    const seen = await Promise.all(
      [1, 2, 3].map((i) =>
        e.submit(async () => {
          await nextTurn();
          const context = currentTask();
          return { i, taskId: context?.taskId, aborted: context?.signal.aborted, progress: typeof context?.progress };
        }),
      ),
    );
    expect(seen.map((s) => s.aborted)).toEqual([false, false, false]);
    expect(seen.map((s) => s.progress)).toEqual(['function', 'function', 'function']);
    expect(new Set(seen.map((s) => s.taskId)).size).toBe(3);
    expect(currentTask()).toBeUndefined();
  });

  it('runs an fnRef task by importing it', async () => {
    const e = executor(1);
    await expect(e.submit(fnRef('node:path', 'basename'), '/a/b/file.txt')).resolves.toBe('file.txt');
    const missing = e.submit(fnRef('node:path', 'noSuchExport'));
    await expect(missing.result()).rejects.toBeInstanceOf(FnRefImportError);
  });

  it('refuses a task that is neither a function nor an fnRef', () => {
    expect(() => executor(1).submit({ moduleUrl: 'file:///x.js', exportName: 'f' } as never)).toThrow(/fn must be a function or an fnRef/);
  });

  it('never runs more than maxWorkers tasks at once, starting them in FIFO order', async () => {
    const e = executor(3);
    const probe = concurrencyProbe();
    const futures = Array.from({ length: 10 }, (_, i) => e.submit(probe.task, i));
    await probe.nthStarted(3);
    await nextTurn();
    expect(probe.current).toBe(3);
    expect(futures.filter((f) => f.running()).length).toBe(3);
    // Release out of order: the freed slot goes to the next queued task each time.
    for (const [step, id] of [1, 0, 2, 4, 3, 5, 6, 7, 8, 9].entries()) {
      probe.release(id);
      if (step + 4 <= 10) await probe.nthStarted(step + 4);
      expect(probe.current).toBeLessThanOrEqual(3);
    }
    await expect(Promise.all(futures)).resolves.toEqual(Array.from({ length: 10 }, (_, i) => i * 10));
    expect(probe.max).toBe(3);
    expect(probe.started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('lets cancel() win over a queued task, which then never runs (test_cancel)', async () => {
    const e = executor(1);
    const probe = concurrencyProbe();
    const first = e.submit(probe.task, 0);
    const second = e.submit(probe.task, 1);
    const third = e.submit(probe.task, 2);
    expect(second.cancel()).toBe(true);
    await probe.nthStarted(1);
    expect(first.cancel()).toBe(false); // running
    probe.release(0);
    probe.release(2);
    await third;
    expect(probe.started).toEqual([0, 2]);
    await expect(second.result()).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('ThreadPoolExecutor abort', () => {
  it('aborting a queued future keeps its task from ever running', async () => {
    const e = executor(1);
    const probe = concurrencyProbe();
    const running = e.submit(probe.task, 0);
    const queued = e.submit(probe.task, 1);
    await probe.nthStarted(1);
    expect(queued.abort('not needed')).toBe(true);
    probe.release(0);
    await running;
    await e.shutdown();
    expect(probe.started).toEqual([0]);
    expect(queued.cancelled()).toBe(true);
  });

  it('aborting a running future aborts the task signal with the reason and settles at once', async () => {
    const e = executor(1);
    const started = deferred();
    const sawAbort = deferred<unknown>();
    const future = e.submit(
      () =>
        new Promise((_, reject) => {
          const signal = currentTask()!.signal;
          signal.addEventListener('abort', () => {
            sawAbort.resolve(signal.reason);
            reject(signal.reason);
          });
          started.resolve();
        }),
    );
    await started.promise;
    const reason = new Error('user stop');
    expect(future.abort(reason)).toBe(true);
    expect(future.cancelled()).toBe(true);
    await expect(sawAbort.promise).resolves.toBe(reason);
    await expect(future.result()).rejects.toMatchObject({ name: 'CancelledError', cause: reason });
  });

  it('keeps the slot of an aborted task until its function returns', async () => {
    const e = executor(1);
    const probe = concurrencyProbe();
    const stubborn = e.submit(probe.task, 0); // ignores its signal
    const next = e.submit(probe.task, 1);
    await probe.nthStarted(1);
    stubborn.abort();
    await nextTurn();
    expect(probe.started).toEqual([0]);
    expect(next.running()).toBe(false);
    probe.release(0);
    await probe.nthStarted(2);
    probe.release(1);
    await expect(next.result()).resolves.toBe(10);
    expect(probe.max).toBe(1);
  });
});

describe('ThreadPoolExecutor.shutdown', () => {
  it('refuses new work afterwards with ExecutorShutdownError (test_submit_after_shutdown)', async () => {
    const e = executor(1);
    await e.shutdown();
    const error = (() => {
      try {
        e.submit(() => 1);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ExecutorShutdownError);
    expect(error).toMatchObject({
      name: 'ExecutorShutdownError',
      code: 'ERR_EXECUTOR_SHUTDOWN',
      message: 'cannot schedule new futures after shutdown',
    });
    expect(() => e.map((x: number) => x, [1])).toThrow(ExecutorShutdownError);
  });

  it('waits for running and queued tasks by default (Python: cancel_futures=False)', async () => {
    const e = executor(2);
    const probe = concurrencyProbe();
    const futures = [0, 1, 2, 3].map((i) => e.submit(probe.task, i));
    await probe.nthStarted(2);
    let finished = false;
    const shutdown = e.shutdown().then(() => {
      finished = true;
    });
    for (const id of [0, 1, 2, 3]) {
      await nextTurn();
      expect(finished).toBe(false);
      await probe.nthStarted(Math.min(4, id + 2));
      probe.release(id);
    }
    await shutdown;
    expect(futures.map((f) => f.done() && !f.cancelled())).toEqual([true, true, true, true]);
    expect(probe.started).toEqual([0, 1, 2, 3]);
  });

  it('cancelFutures cancels what is queued and lets running tasks finish (test_cancel_futures)', async () => {
    const e = executor(1);
    const probe = concurrencyProbe();
    const futures = [0, 1, 2].map((i) => e.submit(probe.task, i));
    await probe.nthStarted(1);
    const shutdown = e.shutdown({ cancelFutures: true });
    expect(futures.map((f) => f.cancelled())).toEqual([false, true, true]);
    probe.release(0);
    await shutdown;
    await expect(futures[0]!.result()).resolves.toBe(0);
    expect(probe.started).toEqual([0]);
  });

  it('abort aborts running tasks and still waits for their functions to return', async () => {
    const e = executor(2);
    const started = [deferred(), deferred()];
    const returned: number[] = [];
    const futures = [0, 1].map((i) =>
      e.submit(async () => {
        const signal = currentTask()!.signal;
        started[i]!.resolve();
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        returned.push(i);
        return 'ignored';
      }),
    );
    await Promise.all(started.map((s) => s.promise));
    await e.shutdown({ abort: true });
    expect(returned.sort()).toEqual([0, 1]);
    for (const future of futures) {
      const error = await future.exception().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CancelledError);
      expect((error as Error).cause).toBeInstanceOf(ExecutorShutdownError);
    }
  });

  it('wait: false resolves at once while work goes on', async () => {
    const e = executor(1);
    const probe = concurrencyProbe();
    const future = e.submit(probe.task, 0);
    await probe.nthStarted(1);
    await e.shutdown({ wait: false });
    expect(future.running()).toBe(true);
    probe.release(0);
    await expect(future.result()).resolves.toBe(0);
  });

  it('is idempotent, and a later call can still cancel or wait', async () => {
    const e = executor(1);
    const probe = concurrencyProbe();
    const running = e.submit(probe.task, 0);
    const queued = e.submit(probe.task, 1);
    await probe.nthStarted(1);
    await e.shutdown({ wait: false });
    const second = e.shutdown({ cancelFutures: true });
    expect(queued.cancelled()).toBe(true);
    probe.release(0);
    await second;
    await e.shutdown();
    expect(running.done()).toBe(true);
  });

  it('resolves at once with nothing to do', async () => {
    await expect(executor(1).shutdown()).resolves.toBeUndefined();
  });
});

describe('ThreadPoolExecutor.map', () => {
  it('yields results in input order whatever the finishing order (test_map)', async () => {
    const e = executor(4);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const results: number[] = [];
    const consuming = (async () => {
      for await (const r of e.map(async (i: number) => {
        await gates[i]!.promise;
        return i * i;
      }, [0, 1, 2, 3])) {
        results.push(r);
      }
    })();
    for (const i of [3, 2, 1, 0]) {
      await nextTurn();
      gates[i]!.resolve();
    }
    await consuming;
    expect(results).toEqual([0, 1, 4, 9]);
  });

  it('takes an async iterable and an fnRef', async () => {
    const e = executor(2);
    async function* paths() {
      yield '/x/a.txt';
      yield '/y/b.txt';
    }
    const out: string[] = [];
    for await (const name of e.map<string, string>(fnRef('node:path', 'basename'), paths())) out.push(name);
    expect(out).toEqual(['a.txt', 'b.txt']);
  });

  it('pulls an endless input lazily: never more than window + consumed items', async () => {
    const e = executor(2);
    let pulled = 0;
    function* naturals() {
      for (let i = 0; ; i++) {
        pulled += 1;
        yield i;
      }
    }
    let consumed = 0;
    let maxAhead = 0;
    for await (const value of e.map(async (i: number) => i, naturals(), { window: 4 })) {
      consumed += 1;
      maxAhead = Math.max(maxAhead, pulled - consumed);
      expect(value).toBe(consumed - 1);
      if (consumed === 50) break;
    }
    expect(pulled).toBeLessThanOrEqual(4 + consumed);
    expect(maxAhead).toBeLessThanOrEqual(4);
    expect(maxAhead).toBeGreaterThan(0);
  });

  it('submits up to 2 × maxWorkers ahead by default', async () => {
    const e = executor(3);
    let pulled = 0;
    function* naturals() {
      for (let i = 0; ; i++) {
        pulled += 1;
        yield i;
      }
    }
    const iterator = e.map((i: number) => i, naturals())[Symbol.asyncIterator]();
    await iterator.next();
    expect(pulled).toBe(6);
    await iterator.return?.();
  });

  it('throws the first failure at its position and cancels what has not started (test_map_exception)', async () => {
    const e = executor(1);
    const ran: number[] = [];
    let closed = false;
    function* items() {
      try {
        for (let i = 0; i < 10; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const boom = new Error('item 2 failed');
    const later = deferred();
    const results: number[] = [];
    const error = await (async () => {
      for await (const r of e.map(
        async (i: number) => {
          ran.push(i);
          if (i === 2) throw boom;
          if (i > 2) await later.promise; // item 3 takes the free worker; the rest stay queued
          return i;
        },
        items(),
        { window: 5 },
      )) {
        results.push(r);
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBe(boom);
    expect(results).toEqual([0, 1]);
    expect(closed).toBe(true);
    later.resolve();
    await e.shutdown();
    // Items 4..6 were submitted ahead but still queued on the single worker: cancelled, never run.
    expect(ran).toEqual([0, 1, 2, 3]);
  });

  it('an early break cancels what was submitted and not started, and closes the input', async () => {
    const e = executor(1);
    const probe = concurrencyProbe();
    let closed = false;
    function* items() {
      try {
        for (let i = 0; i < 100; i++) yield i;
      } finally {
        closed = true;
      }
    }
    probe.release(0);
    for await (const r of e.map(probe.task, items(), { window: 4 })) {
      expect(r).toBe(0);
      break;
    }
    expect(closed).toBe(true);
    // Task 1 took the worker once task 0 was done; tasks 2 and 3 were queued and are cancelled.
    await probe.nthStarted(2);
    probe.release(1);
    await e.shutdown();
    expect(probe.started).toEqual([0, 1]);
  });

  it('throws TimeoutError when a result is not ready by the deadline (test_map_timeout)', async () => {
    const e = executor(2);
    const probe = concurrencyProbe();
    probe.release(0);
    const results: number[] = [];
    const error = await (async () => {
      for await (const r of e.map(probe.task, [0, 1, 2], { timeout: 0.1 })) results.push(r);
    })().catch((caught: unknown) => caught);
    expect(results).toEqual([0]);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/result 1 not ready within the map's timeout of 0.1 s/);
    probe.release(1);
    probe.release(2);
    await e.shutdown();
    expect(probe.started).toEqual([0, 1, 2]);
  });

  it('surfaces an input error at its position, after the results before it', async () => {
    const e = executor(2);
    const broken = new Error('input broke');
    function* items() {
      yield 1;
      yield 2;
      throw broken;
    }
    const results: number[] = [];
    const error = await (async () => {
      for await (const r of e.map((i: number) => i * 2, items())) results.push(r);
    })().catch((caught: unknown) => caught);
    expect(results).toEqual([2, 4]);
    expect(error).toBe(broken);
  });

  it('validates window and timeout at once', () => {
    const e = executor(1);
    expect(() => e.map((x: number) => x, [1], { window: 0 })).toThrow(/window/);
    expect(() => e.map((x: number) => x, [1], { timeout: -1 })).toThrow(/timeout/);
    expect(() => e.map('nope' as never, [1])).toThrow(TypeError);
    expect(() => e.map((x: number) => x, 5 as never)).toThrow(/iterable/);
  });
});

describe('mapLazily with any submit function', () => {
  it('works over hand-made futures and surfaces a submit failure at its position', async () => {
    const made: Future<number>[] = [];
    const submit = (i: number): Future<number> => {
      if (i === 3) throw new ExecutorShutdownError();
      const f = new Future<number>();
      made.push(f);
      f.setResult(i + 100);
      return f;
    };
    const results: number[] = [];
    const error = await (async () => {
      for await (const r of mapLazily(submit, [0, 1, 2, 3, 4], { window: 2 })) results.push(r);
    })().catch((caught: unknown) => caught);
    expect(results).toEqual([100, 101, 102]);
    expect(error).toBeInstanceOf(ExecutorShutdownError);
    expect(made.length).toBe(3);
  });

  it('leaves every future it submitted settled after an early break', async () => {
    const made: Future<number>[] = [];
    const submit = (i: number): Future<number> => {
      const f = new Future<number>();
      made.push(f);
      if (i === 0) f.setResult(0);
      return f;
    };
    for await (const r of mapLazily(submit, [0, 1, 2, 3], { window: 3 })) {
      expect(r).toBe(0);
      break;
    }
    const { notDone } = await wait(made, { timeout: 0 });
    expect(notDone.size).toBe(0);
    expect(made.slice(1).every((f) => f.cancelled())).toBe(true);
  });
});
