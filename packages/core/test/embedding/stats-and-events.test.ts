import { AsyncLocalStorage } from 'node:async_hooks';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { FuturesSession, type Future } from '@requests-futures/core';
import { startHttpbin, type Httpbin } from '@requests-futures/testing';
import { EmbeddingTaskError } from './fixtures/tasks.js';
import { cleanUp, executorCases, holdServer, task } from './support/cases.js';

const execFileAsync = promisify(execFile);

let httpbin: Httpbin;
beforeAll(async () => {
  httpbin = await startHttpbin();
});
afterAll(() => httpbin.close());
afterEach(cleanUp);

const STATS_KEYS = ['cancelled', 'completed', 'failed', 'queued', 'running', 'workers'];

function total(stats: { queued: number; running: number; completed: number; failed: number; cancelled: number }): number {
  return stats.queued + stats.running + stats.completed + stats.failed + stats.cancelled;
}

/** Lets the 'failed' events (emitted once the error has been read from the future) arrive. */
const settleEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

describe.each(executorCases)('$name: stats() and events', ({ make, crossesProcesses }) => {
  it('has the same stats shape, and the counters partition every task submitted', async () => {
    const executor = make(2);
    expect(Object.keys(executor.stats()).sort()).toEqual(STATS_KEYS);
    expect(executor.stats()).toEqual({ queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0, workers: [] });

    const server = await holdServer();
    const held = ['/a', '/b', '/c', '/d'].map((path) => executor.submit<string>(task('fetchText'), server.url + path));
    await server.arrived('/a', '/b');
    const mid = executor.stats();
    expect(mid).toMatchObject({ queued: 2, running: 2, completed: 0, failed: 0, cancelled: 0 });
    if (crossesProcesses) expect(mid.workers).toHaveLength(1);
    else expect(mid.workers).toEqual([]);

    expect(held[3]!.cancel()).toBe(true);
    expect(executor.stats()).toMatchObject({ queued: 1, running: 2, cancelled: 1 });
    const failing = executor.submit(task('fail'), 'on purpose');
    expect(total(executor.stats())).toBe(5);

    server.release('/a');
    server.release('/b');
    server.release('/c');
    await expect(Promise.all(held.slice(0, 3))).resolves.toEqual(['/a', '/b', '/c']);
    await expect(failing.result()).rejects.toThrow('on purpose');
    expect(executor.stats()).toMatchObject({ queued: 0, running: 0, completed: 3, failed: 1, cancelled: 1 });
  });

  it('emits queued → running → done | failed, and queued → cancelled, per task', async () => {
    const executor = make(1);
    const server = await holdServer();
    const seen = new Map<Future<unknown>, string[]>();
    const record = (name: string) => (future: Future<unknown>) => {
      seen.set(future, [...(seen.get(future) ?? []), name]);
    };
    const failures: unknown[] = [];
    for (const name of ['queued', 'running', 'done', 'cancelled'] as const) executor.on(name, record(name));
    executor.on('failed', (future, error) => {
      record('failed')(future);
      failures.push(error);
    });

    const first = executor.submit(task('fetchText'), `${server.url}/first`);
    const failing = executor.submit(task('fail'), 'boom');
    const cancelled = executor.submit(task('echo'), 'never runs');
    await server.arrived('/first');
    expect(seen.get(first)).toEqual(['queued', 'running']);
    expect(seen.get(cancelled)).toEqual(['queued']);
    cancelled.cancel();
    server.release('/first');
    await first;
    await failing.exception();
    await settleEvents();

    expect(seen.get(first)).toEqual(['queued', 'running', 'done']);
    expect(seen.get(failing)).toEqual(['queued', 'running', 'failed']);
    expect(seen.get(cancelled)).toEqual(['queued', 'cancelled']);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(EmbeddingTaskError);
    expect((failures[0] as Error).message).toBe('boom');
  });

  it('reports the bytes of a download as they arrive, cumulative, ending at the body size', async () => {
    const executor = make(2);
    const session = new FuturesSession({ executor });
    const size = 1024 * 1024;
    const progress = new Map<Future<unknown>, number[]>();
    executor.on('bytes', (future, bytes) => progress.set(future, [...(progress.get(future) ?? []), bytes]));

    const download = session.get(`${httpbin.url}/bytes/${size}`);
    const small = session.get(`${httpbin.url}/get`);
    const response = await download;
    const smallResponse = await small;
    await session.close();

    expect(response.content.byteLength).toBe(size);
    const reports = progress.get(download)!;
    // 256 KiB steps, so a 1 MiB body reports several times, never going back.
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports).toEqual([...reports].sort((a, b) => a - b));
    expect(reports.at(-1)).toBe(size);
    expect(progress.get(small)?.at(-1)).toBe(smallResponse.content.byteLength);
  });

  it('keeps running when a listener throws, and stops calling one that unsubscribed', async () => {
    const executor = make(2);
    executor.on('queued', () => {
      throw new Error('listener bug');
    });
    const calls: string[] = [];
    const unsubscribe = executor.on('done', () => calls.push('done'));
    await expect(executor.submit(task('echo'), 1)).resolves.toBe(1);
    unsubscribe();
    await expect(executor.submit(task('echo'), 2)).resolves.toBe(2);
    expect(calls).toEqual(['done']);
    expect(executor.stats()).toMatchObject({ completed: 2, failed: 0 });
  });

  it("counts a task settled while nobody listens, and runs the outcome listeners of one submitted while listened to in its submitter's context", async () => {
    const executor = make(1);
    await expect(executor.submit(task('echo'), 'unheard').result()).resolves.toBe('unheard');
    expect(executor.stats()).toMatchObject({ queued: 0, running: 0, completed: 1 });
    const tenant = new AsyncLocalStorage<string>();
    const heard: Array<[string, string | undefined]> = [];
    executor.on('done', () => heard.push(['done', tenant.getStore()]));
    executor.on('failed', () => heard.push(['failed', tenant.getStore()]));
    executor.on('cancelled', () => heard.push(['cancelled', tenant.getStore()]));
    const [done, failed] = tenant.run('submitter', () => [executor.submit(task('echo'), 1), executor.submit(task('fail'), 'on purpose')]);
    const queued = tenant.run('canceller', () => executor.submit(task('echo'), 2));
    expect(queued.cancel()).toBe(true);
    await done.result();
    await expect(failed.result()).rejects.toThrow('on purpose');
    await settleEvents();
    expect(heard).toEqual([['cancelled', 'canceller'], ['done', 'submitter'], ['failed', 'submitter']]);
    expect(executor.stats()).toMatchObject({ completed: 2, failed: 1, cancelled: 1 });
  });

  it('refuses a listener that is not a function, naming the event', () => {
    const executor = make(1);
    expect(() => executor.on('done', 'nope' as never)).toThrow(/on\(done, listener\): listener must be a function/);
  });
});

// In a fresh process: the test process is shared with other test files, and every warning heard must be this script's.
it('reports a throwing listener as a process warning naming the event and the executor', async () => {
  const events = new URL('../../dist/executors/events.js', import.meta.url).href;
  const script = `
    const { TypedEmitter } = await import(${JSON.stringify(events)});
    const warnings = [];
    process.on('warning', (w) => warnings.push({ name: w.name, message: w.message }));
    const emitter = new TypedEmitter('ThreadPoolExecutor');
    const heard = [];
    emitter.on('done', () => { throw new Error('listener bug'); });
    emitter.on('done', (value) => heard.push(value));
    emitter.emit('done', 42);
    setImmediate(() => console.log(JSON.stringify({ heard, warnings })));
  `;
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script]);
  const { heard, warnings } = JSON.parse(stdout) as { heard: number[]; warnings: Array<{ name: string; message: string }> };
  expect(heard).toEqual([42]);
  expect(warnings).toEqual([{ name: 'FutureCallbackWarning', message: "exception calling a 'done' listener of ThreadPoolExecutor: Error: listener bug" }]);
});
