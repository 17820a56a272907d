/**
 * ProcessPoolExecutor's liveness check: a child that holds tasks and stops
 * sending heartbeats (SIGSTOPped, or its event loop blocked by a spinning
 * hook) is killed after heartbeatTimeout, and its started tasks fail with
 * BrokenProcessPool naming it unresponsive; a healthy child whose task simply
 * takes long is left alone. Before, such futures stayed pending forever.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fnRef } from '@requests-futures/serializer';
import { BrokenProcessPool, FuturesSession, ProcessPoolExecutor } from '../../dist/index.js';
import { DEFAULT_HEARTBEAT_TIMEOUT_SECONDS, MAX_PROCESS_WORKERS } from '../../dist/executors/index.js';
import { isAlive, rejectionOf, testResources } from './process-pool-support.js';

const HOOKS_URL = new URL('../fixtures/wedged-hooks.mjs', import.meta.url).href;
const NEVER_STARTING_PRELOAD = fileURLToPath(new URL('../fixtures/never-starting-preload.mjs', import.meta.url));
const { executor, gateServer, cleanUp } = testResources();
const extraCleanups: Array<() => void | Promise<void>> = [];
const stopped: number[] = [];

afterEach(async () => {
  // A stopped child that the check did not kill would block nothing but must not survive the test.
  for (const pid of stopped.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const cleanup of extraCleanups.splice(0)) await cleanup();
  const pids = await cleanUp();
  expect(pids.filter(isAlive)).toEqual([]);
});

async function timed<T>(action: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await action();
  return [value, (performance.now() - started) / 1000];
}

describe('ProcessPoolExecutor liveness (heartbeatTimeout)', () => {
  it('a SIGSTOPped child holding a task is killed after heartbeatTimeout; its task fails with BrokenProcessPool naming it unresponsive', async () => {
    // Tasks from a plain .mjs module: a .ts one's compile through tsx blocks the child, on a
    // loaded machine for longer than 2 s (it would rightly count as unresponsive).
    const ex = executor({ maxWorkers: 1, heartbeatTimeout: 2 });
    const gate = await gateServer();
    const future = ex.submit(fnRef(HOOKS_URL, 'fetchWithPid'), `${gate.url}/held`);
    const [request] = await Promise.race([gate.arrivals(1), rejectionOf(future).then((error) => Promise.reject(error))]);
    const child = request!.pid;
    process.kill(child, 'SIGSTOP');
    stopped.push(child);

    const [error, took] = await timed(() => rejectionOf(future));
    expect(error).toBeInstanceOf(BrokenProcessPool);
    expect((error as BrokenProcessPool).pid).toBe(child);
    expect((error as BrokenProcessPool).message).toMatch(new RegExp(`pid ${child}\\) was unresponsive \\(no heartbeat for 2\\.\\d s`));
    expect((error as BrokenProcessPool).signal).toBe('SIGKILL');
    // 1 to 1.25 × heartbeatTimeout of silence, counted from its last heartbeat (up to a quarter before the stop).
    expect(took).toBeGreaterThanOrEqual(1.4);
    expect(took).toBeLessThan(6);
    expect(isAlive(child)).toBe(false);
    // The pool replaced it.
    expect(await ex.submit(fnRef(HOOKS_URL, 'sleepThenReturn'), 0, 'replaced')).toBe('replaced');
  });

  it('a hook that blocks its child\'s event loop (busy loop) fails its request with BrokenProcessPool (unresponsive)', async () => {
    // 2 s, and the hook module (plain .mjs) loaded first: a loaded 2-core machine can keep a healthy child from its event loop for a second.
    const ex = executor({ maxWorkers: 1, heartbeatTimeout: 2 });
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    extraCleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const dir = mkdtempSync(join(tmpdir(), 'rf-liveness-'));
    extraCleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const marker = join(dir, 'started');
    const session = new FuturesSession({ executor: ex });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/spin?marker=${encodeURIComponent(marker)}`;
    expect((await session.get(url, { hooks: { response: [fnRef(HOOKS_URL, 'markOnly')] } })).statusCode).toBe(200);
    const error = await rejectionOf(session.get(url, { hooks: { response: [fnRef(HOOKS_URL, 'spinsSync')] } }));
    expect(error).toBeInstanceOf(BrokenProcessPool);
    expect((error as Error).message).toMatch(/was unresponsive/);
    const [warm, spinner] = readFileSync(marker, 'utf8').trim().split('\n').map(Number);
    expect(spinner).toBe(warm);
    expect((error as BrokenProcessPool).pid).toBe(spinner);
    expect(isAlive(spinner!)).toBe(false);
  });

  it('a child that never finishes starting is killed after 3 × heartbeatTimeout; its task goes to another, and fails after three', async () => {
    // Before, the task waited for that child's 'ready' forever.
    const ex = executor({ maxWorkers: 1, heartbeatTimeout: 1, execArgv: ['--import', NEVER_STARTING_PRELOAD] });
    const [error, took] = await timed(() => rejectionOf(ex.submit(fnRef(HOOKS_URL, 'sleepThenReturn'), 0, 'never')));
    expect(error).toBeInstanceOf(BrokenProcessPool);
    expect((error as Error).message).toMatch(
      /^The task was sent to 3 child processes and each died before it could start; the last one \(pid \d+\) was killed by signal SIGKILL after it did not start within 3\.\d s \(see heartbeatTimeout\)$/,
    );
    expect((error as BrokenProcessPool).signal).toBe('SIGKILL');
    // Three children, each judged after 3 to 3.25 s without a 'ready'.
    expect(took).toBeGreaterThanOrEqual(8.5);
    expect(took).toBeLessThan(30);
    expect(isAlive((error as BrokenProcessPool).pid!)).toBe(false);
  });

  it('a healthy child whose task outlasts heartbeatTimeout several times is left alone', async () => {
    // 2 s, not 1: on this shared 2-core machine a healthy child may wait long for a CPU.
    const ex = executor({ maxWorkers: 1, heartbeatTimeout: 2 });
    expect(await ex.submit(fnRef(HOOKS_URL, 'sleepThenReturn'), 5000, 'slow but alive')).toBe('slow but alive');
    expect(ex.stats()).toMatchObject({ failed: 0, completed: 1 });
  });
});

describe('ProcessPoolExecutor option bounds', () => {
  it(`refuses maxWorkers above ${MAX_PROCESS_WORKERS} with a RangeError naming the option and the bound (before forking anything)`, () => {
    expect(MAX_PROCESS_WORKERS).toBe(256);
    expect(() => new ProcessPoolExecutor({ maxWorkers: 1e6 })).toThrow(RangeError);
    expect(() => new ProcessPoolExecutor({ maxWorkers: 1e6 })).toThrow('maxWorkers must be at most 256 (one child process each), got 1000000');
    expect(() => new ProcessPoolExecutor({ maxWorkers: 257 })).toThrow(RangeError);
    // Construction spawns nothing: the bound itself is accepted.
    expect(new ProcessPoolExecutor({ maxWorkers: 256 }).maxWorkers).toBe(256);
  });

  it('checks heartbeatTimeout: seconds, at least 1, Infinity turns the check off', () => {
    expect(DEFAULT_HEARTBEAT_TIMEOUT_SECONDS).toBe(20);
    expect(() => new ProcessPoolExecutor({ heartbeatTimeout: '5' as unknown as number })).toThrow(TypeError);
    expect(() => new ProcessPoolExecutor({ heartbeatTimeout: '5' as unknown as number })).toThrow(/heartbeatTimeout must be a number of seconds/);
    expect(() => new ProcessPoolExecutor({ heartbeatTimeout: 0 })).toThrow(RangeError);
    expect(() => new ProcessPoolExecutor({ heartbeatTimeout: 0.5 })).toThrow(RangeError);
    expect(() => new ProcessPoolExecutor({ heartbeatTimeout: NaN })).toThrow(/heartbeatTimeout must be between 1 and/);
    expect(() => new ProcessPoolExecutor({ heartbeatTimeout: Infinity })).not.toThrow();
    expect(() => new ProcessPoolExecutor({ heartbeatTimeout: 1 })).not.toThrow();
  });
});
