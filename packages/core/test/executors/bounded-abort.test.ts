/**
 * `abort: true` is bounded: session.close() and executor.shutdown() return
 * within their grace (+ 1 s for a child's SIGTERM → SIGKILL) whatever a
 * response hook does (never settles, spins), every future settles, and no
 * child process is left. Before, both waited for the hook forever.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fnRef } from '@requests-futures/serializer';
import { CancelledError, FuturesSession, ProcessPoolExecutor, ThreadPoolExecutor } from '../../dist/index.js';
import { DEFAULT_ABORT_GRACE_SECONDS } from '../../dist/executors/index.js';
import type { Future } from '../../dist/futures/future.js';
import { neverSettles, spinsAsync, stopSpinning } from '../fixtures/wedged-hooks.mjs';
import { isAlive } from './process-pool-support.js';

const HOOKS_URL = new URL('../fixtures/wedged-hooks.mjs', import.meta.url).href;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function okServer(): Promise<string> {
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A file each hook appends its pid to as it starts. */
function markerFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rf-abort-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'started');
}

function startedPids(marker: string): number[] {
  return existsSync(marker) ? readFileSync(marker, 'utf8').trim().split('\n').map(Number) : [];
}

async function within(ms: number, what: string, condition: () => boolean): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs `action`, returning how many seconds it took. */
async function seconds(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return (performance.now() - started) / 1000;
}

async function expectCancelled(future: Future<unknown>): Promise<void> {
  expect(future.done()).toBe(true);
  expect(future.cancelled()).toBe(true);
  await expect(Promise.resolve(future)).rejects.toBeInstanceOf(CancelledError);
}

describe('ThreadPoolExecutor: close({ abort: true }) is bounded', () => {
  it.each([
    ['never settles', neverSettles],
    ['spins (keeps the event loop busy)', spinsAsync],
  ])('a response hook that %s: close returns after the grace, its future is cancelled', async (_kind, hook) => {
    const url = await okServer();
    const marker = markerFile();
    const session = new FuturesSession({ maxWorkers: 2 });
    const wedged = session.get(`${url}/wedged?marker=${encodeURIComponent(marker)}`, { hooks: { response: [hook] } });
    const fine = session.get(`${url}/fine`);
    await fine;
    await within(10_000, 'the hook started', () => startedPids(marker).length === 1);

    cleanups.push(stopSpinning);
    const took = await seconds(() => session.close({ abort: true, grace: 0.5 }));
    expect(took).toBeGreaterThanOrEqual(0.45);
    expect(took).toBeLessThan(3);
    await expectCancelled(wedged);
    expect((await fine).statusCode).toBe(200);
  });

  it('shutdown({ abort: true }) waits DEFAULT_ABORT_GRACE_SECONDS (5) by default, then cancels what was still queued', async () => {
    expect(DEFAULT_ABORT_GRACE_SECONDS).toBe(5);
    const executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    let started!: () => void;
    const running = executor.submit(() => {
      started();
      return new Promise(() => {});
    });
    await new Promise<void>((resolve) => (started = resolve));
    const queued = executor.submit(() => 'never started');
    const took = await seconds(() => executor.shutdown({ wait: true, abort: true }));
    expect(took).toBeGreaterThanOrEqual(4.9);
    expect(took).toBeLessThan(7);
    await expectCancelled(running);
    await expectCancelled(queued);
  });

  it('refuses a grace that is not a non-negative number of seconds, naming it, before aborting anything', async () => {
    const session = new FuturesSession();
    await expect(session.close({ abort: true, grace: '1' as unknown as number })).rejects.toThrow(TypeError);
    await expect(new ThreadPoolExecutor().shutdown({ abort: true, grace: -1 })).rejects.toThrow(/shutdown\(\{ grace \}\).*-1/);
  });
});

describe('ProcessPoolExecutor: shutdown({ wait: true, abort: true }) is bounded', () => {
  it.each([
    ['never settles', 'neverSettles'],
    ['spins (a busy loop: the child hears no abort)', 'spinsSync'],
  ])('a response hook that %s: shutdown returns within grace + 1 s, every future settles, no child survives', async (_kind, hookName) => {
    const url = await okServer();
    const marker = markerFile();
    // heartbeatTimeout off: here the bound must come from the grace alone.
    const executor = new ProcessPoolExecutor({ maxWorkers: 2, concurrencyPerWorker: 2, heartbeatTimeout: Infinity });
    cleanups.push(() => executor.shutdown({ abort: true, grace: 0 }));
    const session = new FuturesSession({ executor });
    const hooks = { response: [fnRef(HOOKS_URL, hookName)] };
    // Two per child: a child whose first hook spins never starts its second one.
    const wedged = [0, 1, 2, 3].map((i) => session.get(`${url}/wedged-${i}?marker=${encodeURIComponent(marker)}`, { hooks }));
    await within(20_000, 'a hook started in each child', () => new Set(startedPids(marker)).size === 2);
    const children = executor.stats().workers;
    expect(children.sort()).toEqual([...new Set(startedPids(marker))].sort());

    const took = await seconds(() => executor.shutdown({ wait: true, abort: true, grace: 0.5 }));
    expect(took).toBeGreaterThanOrEqual(0.45);
    expect(took).toBeLessThan(4);
    for (const future of wedged) await expectCancelled(future);
    expect(children.filter(isAlive)).toEqual([]);
    await session.close();
  });

  it('a SIGSTOPped child at shutdown({ abort: true }) is killed (SIGTERM cannot reach it): shutdown returns, no child survives', async () => {
    const url = await okServer();
    const marker = markerFile();
    const executor = new ProcessPoolExecutor({ maxWorkers: 1, heartbeatTimeout: Infinity });
    const session = new FuturesSession({ executor });
    const future = session.get(`${url}/stopped?marker=${encodeURIComponent(marker)}`, { hooks: { response: [fnRef(HOOKS_URL, 'neverSettles')] } });
    await within(20_000, 'the hook started', () => startedPids(marker).length === 1);
    const [child] = startedPids(marker) as [number];
    process.kill(child, 'SIGSTOP');
    cleanups.push(() => {
      if (isAlive(child)) process.kill(child, 'SIGKILL');
    });

    const took = await seconds(() => executor.shutdown({ wait: true, abort: true, grace: 0.3 }));
    expect(took).toBeLessThan(4);
    await expectCancelled(future);
    expect(isAlive(child)).toBe(false);
    await session.close();
  });
});
