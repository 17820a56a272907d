import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FnRefImportError, PicklingError, fnRef } from '@requests-futures/serializer';
import { CancelledError } from '../../dist/futures/errors.js';
import { ExecutorShutdownError } from '../../dist/executors/errors.js';
import { ProcessPoolExecutor } from '../../dist/executors/index.js';
import { YOUNG_GENERATION_FLAG, resolveProcessPoolOptions } from '../../dist/executors/process-pool-options.js';
import { QuotaExceededError } from '../fixtures/tasks.js';
import { isAlive, task, testResources } from './process-pool-support.js';

/** Executors and servers a test started: ended after it even when it failed midway. */
const { executor, gateServer, cleanUp } = testResources();
afterEach(async () => {
  await cleanUp();
});

describe('ProcessPoolExecutor: tasks in child processes', () => {
  let shared: ProcessPoolExecutor;
  beforeAll(() => {
    shared = new ProcessPoolExecutor({ maxWorkers: 2, concurrencyPerWorker: 4, env: { RF_TEST_MARKER: 'from-coordinator' } });
  });
  afterAll(async () => {
    const pids = shared.stats().workers;
    await shared.shutdown();
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('runs an fnRef task in another process and resolves its future', async () => {
    const future = shared.submit(task('add'), 2, 3);
    expect(await future.result()).toBe(5);
    expect(future.done()).toBe(true);
    const childPid = await shared.submit<number>(task('pid'));
    expect(childPid).not.toBe(process.pid);
    expect(shared.stats().workers).toContain(childPid);
  });

  it('carries a 1 MiB Uint8Array, Map, Date and BigInt both ways as real instances', async () => {
    const bytes = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
    const value = { bytes, map: new Map([['a', 1]]), when: new Date('2020-01-02T03:04:05Z'), big: 2n ** 70n };
    expect(await shared.submit(task('describeTypes'), value)).toEqual({
      bytes: true,
      byteLength: 1024 * 1024,
      lastByte: (1024 * 1024 - 1) % 251,
      map: true,
      when: true,
      big: 'bigint',
    });
    const back = (await shared.submit(task('echo'), value)) as typeof value;
    expect(back.bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(back.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(back.map).toEqual(new Map([['a', 1]]));
    expect(back.when).toEqual(value.when);
    expect(back.big).toBe(2n ** 70n);
  });

  it('refuses a closure at submit, synchronously, naming the path "fn"', () => {
    const before = shared.stats();
    let thrown: unknown;
    try {
      shared.submit(() => 1);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PicklingError);
    expect((thrown as PicklingError).path).toBe('fn');
    expect((thrown as Error).message).toMatch(/Cannot pickle function at fn/);
    expect(shared.stats().queued).toBe(before.queued);
  });

  it('refuses an unpicklable argument at submit, naming its path', () => {
    expect(() => shared.submit(task('echo'), { cb: () => 1 })).toThrow(/Cannot pickle function at args\[0\]\.cb/);
    expect(() => shared.submit(task('add'), 1, Symbol('s'))).toThrow(PicklingError);
  });

  it('refuses a task that is neither a function nor an fnRef', () => {
    expect(() => shared.submit('add' as never)).toThrow(TypeError);
  });

  it('delivers a registered error class with name, message and its own fields', async () => {
    const error = await shared.submit(task('throwQuota'), 7).exception();
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect((error as QuotaExceededError).name).toBe('QuotaExceededError');
    expect((error as QuotaExceededError).message).toBe('quota of 7 exceeded');
    expect((error as QuotaExceededError).limit).toBe(7);
  });

  it('delivers an unregistered error class as an Error with its name and message', async () => {
    const error = (await shared.submit(task('throwUnregistered'), 'nope').exception()) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('UnregisteredError');
    expect(error.message).toBe('nope');
  });

  it('fails with PicklingError when the result cannot travel back', async () => {
    const error = await shared.submit(task('returnsFunction')).exception();
    expect(error).toBeInstanceOf(PicklingError);
    expect((error as PicklingError).path).toBe('result.cb');
  });

  it('fails with FnRefImportError naming a module that does not exist', async () => {
    const missing = pathToFileURL(join(tmpdir(), 'rf-no-such-module.mjs')).href;
    const error = (await shared.submit(fnRef(missing, 'run')).exception()) as FnRefImportError;
    expect(error).toBeInstanceOf(FnRefImportError);
    expect(error.message).toContain(missing);
    const noExport = (await shared.submit(task('noSuchExport')).exception()) as FnRefImportError;
    expect(noExport).toBeInstanceOf(FnRefImportError);
    expect(noExport.message).toContain('noSuchExport');
  });

  it('map yields results in input order, not completion order', async () => {
    const results: number[] = [];
    for await (const value of shared.map(task('delayedEcho'), [150, 100, 50, 0])) results.push(value as number);
    expect(results).toEqual([150, 100, 50, 0]);
  });

  it('gives the children this process environment plus the env option', async () => {
    expect(await shared.submit(task('readEnv'), 'RF_TEST_MARKER')).toBe('from-coordinator');
    expect(await shared.submit(task('readEnv'), 'PATH')).toBe(process.env.PATH);
  });

  it('starts children with a larger young generation unless execArgv sets one', async () => {
    expect(await shared.submit(task('childExecArgv'))).toContain(YOUNG_GENERATION_FLAG);
    expect(resolveProcessPoolOptions({ execArgv: ['--no-warnings'] }).execArgv).toEqual([YOUNG_GENERATION_FLAG, '--no-warnings']);
    expect(resolveProcessPoolOptions({ execArgv: ['--max-semi-space-size=8'] }).execArgv).toEqual(['--max-semi-space-size=8']);
    expect(resolveProcessPoolOptions({ execArgv: [], env: { NODE_OPTIONS: '--no-warnings --max-semi-space-size=4' } }).execArgv).toEqual([]);
  });

  it('refuses children flags that bar code from strings, naming where they came from, before forking anything', () => {
    // tinypool's child entry loads the worker through new Function: such children died at start, every task a BrokenProcessPool.
    expect(() => new ProcessPoolExecutor({ execArgv: ['--disallow-code-generation-from-strings'] })).toThrow(RangeError);
    expect(() => resolveProcessPoolOptions({ execArgv: ['--no-warnings', '--disallow_code_generation_from_strings'] })).toThrow(
      /cannot start with --disallow-code-generation-from-strings \(in execArgv\)/,
    );
    expect(() => resolveProcessPoolOptions({ execArgv: [], env: { NODE_OPTIONS: '--disallow-code-generation-from-strings' } })).toThrow(/\(in the children's NODE_OPTIONS\)/);
    // Dropped from what the children inherit, or given in the coordinator only: accepted.
    expect(resolveProcessPoolOptions({ execArgv: ['--no-warnings'], env: { NODE_OPTIONS: undefined } }).execArgv).toEqual([YOUNG_GENERATION_FLAG, '--no-warnings']);
  });

  it('asks a task for progress only when a bytes listener was there as it was submitted', async () => {
    expect(await shared.submit(task('progressWanted'))).toBe(false);
    const stop = shared.onTaskProgress(() => undefined);
    try {
      expect(await shared.submit(task('progressWanted'))).toBe(true);
    } finally {
      stop();
    }
    expect(await shared.submit(task('progressWanted'))).toBe(false);
  });

  it('forwards progress reported in the child to onTaskProgress listeners', async () => {
    const seen: number[] = [];
    const future = shared.submit(task('reportProgress'), 3);
    const stop = shared.onTaskProgress((f, bytes) => {
      if (f === future) seen.push(bytes);
    });
    try {
      expect(await future).toBe(3);
      // Progress messages precede the reply on the same pipe.
      expect(seen).toEqual([1, 2, 3]);
    } finally {
      stop();
    }
  });
});

describe('ProcessPoolExecutor: scheduling', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'rf-process-pool-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('never sends a task cancelled while queued to a child', async () => {
    const ex = executor({ maxWorkers: 1, concurrencyPerWorker: 1 });
    const marker = join(scratch, 'cancel.txt');
    writeFileSync(marker, '');
    const gate = await gateServer();
    const blocker = ex.submit(task('fetchText'), `${gate.url}/cancel-blocker`);
    const queued = ex.submit(task('appendMarker'), marker, 'cancelled-task');
    await gate.arrivals(1);
    expect(ex.stats()).toMatchObject({ running: 1, queued: 1 });
    expect(queued.cancel()).toBe(true);
    expect(ex.stats()).toMatchObject({ queued: 0, cancelled: 1 });
    await expect(queued.result()).rejects.toBeInstanceOf(CancelledError);
    gate.openGate();
    await blocker;
    // Same single slot, same FIFO: had the cancelled task been sent, it would have run before this one.
    expect(await ex.submit(task('appendMarker'), marker, 'later-task')).toBe('later-task');
    expect(readFileSync(marker, 'utf8')).toBe('later-task\n');
  });

  it('dispatches after the submitting code ran: a task cancelled in that run starts no child, one submitted with it runs', async () => {
    const ex = executor({ maxWorkers: 1 });
    const marker = join(scratch, 'same-run.txt');
    writeFileSync(marker, '');
    const cancelled = ex.submit(task('appendMarker'), marker, 'cancelled-in-run');
    expect(cancelled.cancel()).toBe(true);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(ex.stats()).toMatchObject({ queued: 0, running: 0, cancelled: 1, workers: [] });
    const kept = ex.submit(task('appendMarker'), marker, 'kept');
    const dropped = ex.submit(task('appendMarker'), marker, 'dropped');
    dropped.cancel();
    expect(await kept).toBe('kept');
    expect(readFileSync(marker, 'utf8')).toBe('kept\n');
  });

  it('aborts a running task through its child, which lives on with its other tasks', async () => {
    const ex = executor({ maxWorkers: 1, concurrencyPerWorker: 4 });
    const gate = await gateServer();
    const doomed = ex.submit(task('fetchText'), `${gate.url}/doomed`);
    const sibling = ex.submit(task('fetchText'), `${gate.url}/sibling`);
    const arrived = await gate.arrivals(2);
    const doomedRequest = arrived.find((r) => r.path === '/doomed')!;
    const siblingRequest = arrived.find((r) => r.path === '/sibling')!;
    expect(doomedRequest.pid).toBe(siblingRequest.pid);

    expect(doomed.abort(new Error('user gave up'))).toBe(true);
    await expect(doomed.result()).rejects.toBeInstanceOf(CancelledError);
    // The child itself dropped the request: the abort crossed the process boundary.
    await doomedRequest.abandoned;

    siblingRequest.release('sibling done');
    expect(await sibling).toEqual({ pid: siblingRequest.pid, text: 'sibling done' });
    expect(await ex.submit(task('pid'))).toBe(siblingRequest.pid);
    expect(ex.stats().workers).toEqual([siblingRequest.pid]);
  });

  it('an abort sent before the child announced the task still reaches it', async () => {
    const ex = executor({ maxWorkers: 1, concurrencyPerWorker: 1 });
    const future = ex.submit(task('sleepThenReturn'), 20_000, 'not aborted');
    // The pump has dispatched it; the child cannot have said 'started' within this tick.
    await Promise.resolve();
    expect(future.running()).toBe(true);
    future.abort();
    await expect(future.result()).rejects.toBeInstanceOf(CancelledError);
    // The only slot frees when the child's task ends: long before its 20 s unless the abort arrived.
    const started = performance.now();
    await ex.submit(task('pid'));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(ex.stats().cancelled).toBe(1);
  }, 15_000);

  it('keeps at most maxWorkers × concurrencyPerWorker tasks in the children', async () => {
    const ex = executor({ maxWorkers: 2, concurrencyPerWorker: 2 });
    expect(ex.capacity).toBe(4);
    const gate = await gateServer();
    const futures = Array.from({ length: 10 }, (_, i) => ex.submit(task('fetchText'), `${gate.url}/bound-${i}`));
    const arrived = await gate.arrivals(4);
    expect(ex.stats()).toMatchObject({ running: 4, queued: 6 });
    // Two children, two requests each.
    const perChild = new Map<number, number>();
    for (const r of arrived) perChild.set(r.pid, (perChild.get(r.pid) ?? 0) + 1);
    expect([...perChild.values()].sort()).toEqual([2, 2]);
    gate.openGate();
    const results = await Promise.all(futures);
    expect(results.map((r) => (r as { text: string }).text)).toEqual(futures.map((_, i) => `/bound-${i}`));
    expect(gate.maxConcurrent).toBe(4);
    expect(ex.stats()).toMatchObject({ running: 0, queued: 0, completed: 10 });
  });
});

describe('ProcessPoolExecutor: shutdown', () => {
  it('runs queued tasks first, then leaves no child process behind', async () => {
    const ex = executor({ maxWorkers: 2, concurrencyPerWorker: 1 });
    const futures = [100, 50, 0, 0].map((ms) => ex.submit(task('delayedEcho'), ms));
    await futures[0];
    const pids = ex.stats().workers;
    expect(pids).toHaveLength(2);
    await ex.shutdown();
    expect(futures.every((f) => f.done() && !f.cancelled())).toBe(true);
    expect(await Promise.all(futures)).toEqual([100, 50, 0, 0]);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(ex.stats().workers).toEqual([]);
  });

  it('refuses new work after shutdown and is idempotent', async () => {
    const ex = executor({ maxWorkers: 1 });
    await ex.submit(task('pid'));
    await Promise.all([ex.shutdown(), ex.shutdown()]);
    await ex.shutdown();
    expect(() => ex.submit(task('pid'))).toThrow(ExecutorShutdownError);
    expect(() => ex.map(task('delayedEcho'), [1])).toThrow(ExecutorShutdownError);
  });

  it('cancelFutures cancels queued tasks and abort stops running ones', async () => {
    const ex = executor({ maxWorkers: 1, concurrencyPerWorker: 1 });
    const gate = await gateServer();
    const running = ex.submit(task('fetchText'), `${gate.url}/shutdown-running`);
    const queued = ex.submit(task('delayedEcho'), 0);
    const [request] = await gate.arrivals(1);
    const pids = ex.stats().workers;
    await ex.shutdown({ cancelFutures: true, abort: true });
    expect(queued.cancelled()).toBe(true);
    expect(running.cancelled()).toBe(true);
    await expect(running.result()).rejects.toBeInstanceOf(CancelledError);
    await request!.abandoned;
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('shutdown({ wait: false }) returns at once and still closes the children', async () => {
    const ex = executor({ maxWorkers: 1, concurrencyPerWorker: 1 });
    const gate = await gateServer();
    const running = ex.submit(task('fetchText'), `${gate.url}/no-wait`);
    const [request] = await gate.arrivals(1);
    await ex.shutdown({ wait: false });
    expect(running.done()).toBe(false);
    request!.release('finished after shutdown');
    expect((await running) as { text: string }).toMatchObject({ text: 'finished after shutdown' });
    await ex.shutdown(); // waits for the close already under way
    expect(isAlive(request!.pid)).toBe(false);
  });
});

describe('ProcessPoolExecutor: options', () => {
  it.each([
    ['maxWorkers', 0],
    ['maxWorkers', 1.5],
    ['concurrencyPerWorker', 0],
    ['maxTasksPerChild', -1],
    ['maxMemoryPerChildMb', Number.NaN],
    ['idleTimeout', 2 ** 31],
  ])('rejects %s = %p with a RangeError naming it', (name, value) => {
    expect(() => new ProcessPoolExecutor({ [name]: value })).toThrow(RangeError);
    expect(() => new ProcessPoolExecutor({ [name]: value })).toThrow(name);
  });

  it('rejects a non-string env value', () => {
    expect(() => new ProcessPoolExecutor({ env: { A: 1 as unknown as string } })).toThrow(/env\.A/);
  });

  it('defaults to one child per CPU and 8 tasks per child, and spawns nothing until used', () => {
    const ex = new ProcessPoolExecutor();
    expect(ex.maxWorkers).toBeGreaterThanOrEqual(1);
    expect(ex.concurrencyPerWorker).toBe(8);
    expect(ex.crossesProcesses).toBe(true);
    expect(ex.stats().workers).toEqual([]);
  });
});
