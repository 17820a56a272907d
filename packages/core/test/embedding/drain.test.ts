import { afterEach, describe, expect, it } from '@jest/globals';
import { CancelledError } from '../../dist/futures/errors.js';
import { ExecutorShutdownError } from '../../dist/executors/errors.js';
import { DrainCancelledError, DrainDeadlineError } from '../../dist/executors/drain.js';
import { ProcessPoolExecutor } from '../../dist/executors/process-pool.js';
import { ThreadPoolExecutor } from '../../dist/executors/thread-pool.js';
import { cleanUp, executorCases, holdServer, isAlive, task } from './support/cases.js';

afterEach(cleanUp);

async function cancellationCause(future: PromiseLike<unknown> & { exception(): Promise<unknown> }): Promise<unknown> {
  const error = await future.exception().then(
    () => undefined,
    (cancelled: unknown) => cancelled,
  );
  expect(error).toBeInstanceOf(CancelledError);
  return (error as Error).cause;
}

describe.each(executorCases)('$name.drain({ deadline })', ({ make, crossesProcesses }) => {
  it('cancels queued tasks at once, lets running ones finish until the deadline, aborts the rest, ends every child', async () => {
    const executor = make(2);
    const server = await holdServer();
    const [finishes, overstays, queued1, queued2] = ['/finishes', '/overstays', '/queued1', '/queued2'].map((path) =>
      executor.submit<string>(task('fetchText'), server.url + path),
    );
    await server.arrived('/finishes', '/overstays');
    const children = executor.stats().workers;
    if (crossesProcesses) expect(children).toHaveLength(1);

    const drained = executor.drain({ deadline: 3 });
    // At once: nothing new is accepted, and what had not started is cancelled, saying why.
    expect(() => executor.submit(task('echo'), 1)).toThrow(ExecutorShutdownError);
    expect(queued1!.cancelled() && queued2!.cancelled()).toBe(true);
    expect(await cancellationCause(queued1!)).toBeInstanceOf(DrainCancelledError);
    expect(finishes!.running() && overstays!.running()).toBe(true);

    // Before the deadline: a running task completes normally.
    server.release('/finishes');
    await expect(finishes!.result()).resolves.toBe('/finishes');

    const report = await drained;
    expect(report).toMatchObject({ cancelled: 2, finished: 1, aborted: 1, deadlineReached: true, killed: [], abandoned: 0 });
    expect(report.seconds).toBeGreaterThan(0);
    const cause = await cancellationCause(overstays!);
    expect(cause).toBeInstanceOf(DrainDeadlineError);
    expect((cause as DrainDeadlineError).deadlineSeconds).toBe(3);
    // The abort reached the request itself, not just its future.
    await server.abandoned('/overstays');

    expect(executor.stats()).toEqual({ queued: 0, running: 0, completed: 1, failed: 0, cancelled: 3, workers: [] });
    expect(children.filter(isAlive)).toEqual([]);
  });

  it('resolves without waiting for the deadline when everything finishes first', async () => {
    const executor = make(2);
    const values = await Promise.all([executor.submit(task('echo'), 'x'), executor.submit(task('pid'))]);
    const children = executor.stats().workers;
    const report = await executor.drain({ deadline: 600 });
    expect(values[0]).toBe('x');
    expect(report).toMatchObject({ cancelled: 0, finished: 0, aborted: 0, deadlineReached: false });
    expect(report.seconds).toBeLessThan(60);
    expect(children.filter(isAlive)).toEqual([]);
  });

  it('is started once: a second call returns the same drain', async () => {
    const executor = make(1);
    const first = executor.drain({ deadline: 1 });
    expect(executor.drain({ deadline: 99 })).toBe(first);
    await first;
  });

  it('refuses a deadline that is not a non-negative number of seconds, naming it', () => {
    const executor = make(1);
    expect(() => executor.drain({ deadline: -1 })).toThrow(RangeError);
    expect(() => executor.drain({ deadline: -1 })).toThrow(/drain\(\{ deadline \}\)/);
    expect(() => executor.drain({ deadline: '5' as never })).toThrow(TypeError);
    expect(() => executor.drain({ grace: Number.NaN })).toThrow(/drain\(\{ grace \}\)/);
    // A refused call started nothing: the executor still works.
    return expect(executor.submit(task('echo'), 'still open')).resolves.toBe('still open');
  });
});

describe('drain past the grace', () => {
  it('ProcessPoolExecutor kills a child that will not let go of an aborted task', async () => {
    const executor = new ProcessPoolExecutor({ maxWorkers: 1, concurrencyPerWorker: 1 });
    try {
      const child = await executor.submit<number>(task('pid'));
      const started = new Promise<void>((resolve) => executor.on('running', () => resolve()));
      const stubborn = executor.submit(task('ignoreAbort'), 60_000);
      await started;
      const report = await executor.drain({ deadline: 0, grace: 0.5 });
      expect(report).toMatchObject({ aborted: 1, deadlineReached: true, killed: [child] });
      expect(stubborn.cancelled()).toBe(true);
      expect(isAlive(child)).toBe(false);
      expect(executor.stats().workers).toEqual([]);
    } finally {
      await executor.shutdown({ abort: true });
    }
  });

  it('ThreadPoolExecutor stops waiting for an in-process task that ignores its abort', async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    let release = (): void => {};
    const started = new Promise<void>((resolve) => executor.on('running', () => resolve()));
    const stubborn = executor.submit(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      await started;
      const report = await executor.drain({ deadline: 0, grace: 0.2 });
      expect(report).toMatchObject({ aborted: 1, deadlineReached: true, killed: [], abandoned: 1 });
      expect(stubborn.cancelled()).toBe(true);
    } finally {
      release();
      await executor.shutdown();
    }
  });
});
