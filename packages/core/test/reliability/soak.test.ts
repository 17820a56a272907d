/**
 * Soak under faults: up to 20,000 requests through FuturesSession.map on a
 * ProcessPoolExecutor(2), against a server in its own process that (seeded)
 * delays, resets connections, answers 5xx or never answers. A third of the
 * way in one child is SIGKILLed; two thirds in, another exits by itself (a
 * response hook calls process.exit on a marker request).
 *
 * The run is bounded by a time budget as well as by the count: on a 2-core
 * machine shared with other work it sends as many requests as fit (the log
 * line says how many), and "a third of the way" is a third of the count or of
 * the budget, whichever comes first. RF_SOAK_REQUESTS / RF_SOAK_SECONDS
 * change both.
 *
 * Proven: every future settles, each with a response or a typed error
 * (RequestException subclasses, BrokenProcessPool) that matches what the
 * server was told to do with that request; the counts add up; no request was
 * sent twice; at most `maxQueued` futures were outstanding and the server
 * never saw more connections than the children's pools allow; and afterwards
 * no child process is left, the server sees no open connection, and the
 * coordinator has no file descriptor open that it did not have before.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readlinkSync } from 'node:fs';
import {
  BrokenProcessPool,
  FuturesSession,
  ProcessPoolExecutor,
  RequestException,
  fnRef,
  type MapInput,
  type Response,
} from '@requests-futures/core';
import { planFor } from './fixtures/fault-plan.js';
import { SELF_EXIT_CODE } from './fixtures/soak-hooks.js';
import { startFaultServerProcess } from './support/fault-server-process.js';
import { isAlive } from '@requests-futures/testing';

const TARGET_REQUESTS = Number(process.env.RF_SOAK_REQUESTS ?? 20_000);
/** Submitting stops after this long even if TARGET_REQUESTS is not reached; draining and checks take a few seconds more. */
const BUDGET_MS = Number(process.env.RF_SOAK_SECONDS ?? 55) * 1000;
/** Far below anything this machine does; only a run that all but stalls fails it. */
const MIN_REQUESTS = Math.min(TARGET_REQUESTS, 1_000);
const SEED = 0x5eed_2024;
const MAX_WORKERS = 2;
const CONCURRENCY_PER_WORKER = 8;
/** Seconds: a stalled request ends as a ReadTimeout after this long without a byte. */
const READ_TIMEOUT = 2;
const EXIT_HOOK = fnRef(new URL('./fixtures/soak-hooks.ts', import.meta.url), 'exitProcess');

/**
 * The coordinator's open file descriptors as "fd -> target" (socket:[inode],
 * pipe:[inode], a path). Targets name sockets and pipes uniquely, so an entry
 * present after the run but not before is something the run left open, even
 * if jest itself opened or closed other descriptors meanwhile.
 */
function openFileDescriptors(): Set<string> {
  const entries = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      entries.add(`${fd} -> ${readlinkSync(`/proc/self/fd/${fd}`)}`);
    } catch {
      // The descriptor readdirSync itself used is gone by now.
    }
  }
  return entries;
}

/** What the futures ended with. */
class Tally {
  readonly counts = new Map<string, number>();
  /** Outcomes that do not match what the server was told to do with that request. */
  readonly mismatches: string[] = [];
  readonly broken: BrokenProcessPool[] = [];

  get total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }

  count(outcome: string): number {
    return this.counts.get(outcome) ?? 0;
  }

  add(index: number, isMarker: boolean, error: unknown, response: Response | undefined): void {
    let outcome: string;
    if (error === null || error === undefined) {
      const status = response!.statusCode;
      outcome = status === 200 ? 'ok' : status >= 500 ? '5xx' : `status ${status}`;
    } else if (error instanceof BrokenProcessPool) {
      outcome = 'BrokenProcessPool';
      this.broken.push(error);
    } else if (error instanceof RequestException) {
      outcome = error.name;
    } else {
      outcome = `untyped ${(error as Error)?.name ?? typeof error}`;
      this.mismatches.push(`#${index}: untyped error ${String(error)}`);
    }
    this.counts.set(outcome, this.count(outcome) + 1);

    // A dying child fails whatever it was running, whatever the plan.
    if (outcome === 'BrokenProcessPool') return;
    const plan = planFor(SEED, index);
    const expected = isMarker ? 'BrokenProcessPool'
      : plan.fault === 'ok' || plan.fault === 'delay' ? 'ok'
      : plan.fault === 'error5xx' ? '5xx'
      : plan.fault === 'reset' ? 'ConnectionError'
      : 'ReadTimeout';
    if (outcome !== expected) {
      this.mismatches.push(`#${index}: planned ${isMarker ? 'marker' : plan.fault}, got ${outcome}${error ? `: ${(error as Error).message}` : ''}`);
    } else if (plan.fault === 'error5xx' && !isMarker && response!.statusCode !== plan.status) {
      this.mismatches.push(`#${index}: planned status ${plan.status}, got ${response!.statusCode}`);
    }
  }
}

describe('soak under faults', () => {
  it(`up to ${TARGET_REQUESTS} requests through ProcessPoolExecutor(${MAX_WORKERS}) with resets, 5xx, stalls, a SIGKILLed child and a child that exits`, async () => {
    const fdsBefore = openFileDescriptors();
    const started = performance.now();

    const server = await startFaultServerProcess(SEED);
    const executor = new ProcessPoolExecutor({ maxWorkers: MAX_WORKERS, concurrencyPerWorker: CONCURRENCY_PER_WORKER });
    const session = new FuturesSession({ executor, timeout: [5, READ_TIMEOUT] });
    const pidsSeen = new Set<number>();
    const tally = new Tally();
    let killed: number | undefined;
    let markerIndex: number | undefined;
    let submitted = 0;
    let settled = 0;
    let maxOutstanding = 0;

    function* inputs(): Generator<MapInput> {
      const runStart = performance.now();
      const elapsed = () => performance.now() - runStart;
      // Ends at the target or the budget, but never before both faults were injected.
      for (let index = 0; index < TARGET_REQUESTS && (elapsed() < BUDGET_MS || markerIndex === undefined); index++) {
        const progress = Math.max(index / TARGET_REQUESTS, elapsed() / BUDGET_MS);
        if (index % 200 === 0) for (const pid of executor.stats().workers) pidsSeen.add(pid);
        if (killed === undefined && progress >= 1 / 3) {
          const victim = executor.stats().workers[0];
          if (victim === undefined) throw new Error('no live child to kill a third of the way in');
          killed = victim;
          pidsSeen.add(victim);
          process.kill(victim, 'SIGKILL');
        }
        submitted += 1;
        maxOutstanding = Math.max(maxOutstanding, submitted - settled);
        if (markerIndex === undefined && progress >= 2 / 3) {
          markerIndex = index;
          yield { url: `${server.url}/marker/${index}`, hooks: { response: EXIT_HOOK }, meta: index };
        } else {
          yield { url: `${server.url}/r/${index}`, meta: index };
        }
      }
    }

    try {
      for await (const future of session.map(inputs())) {
        settled += 1;
        expect(future.done()).toBe(true);
        const index = future.meta as number;
        const error = await future.exception();
        tally.add(index, index === markerIndex, error, error ? undefined : await future.result());
      }
      for (const pid of executor.stats().workers) pidsSeen.add(pid);
    } finally {
      await session.close({ abort: true });
      await executor.shutdown({ cancelFutures: true, abort: true });
    }
    const serverStats = await server.stats();
    // Every child is gone, so every connection to the server must close.
    await server.idle(15_000);
    await server.stop();
    const seconds = (performance.now() - started) / 1000;

    const counts = Object.fromEntries([...tally.counts].sort());
    // Read from the log: how many requests fitted, how fast, and what happened to them.
    console.info(
      `soak: ${submitted} of ${TARGET_REQUESTS} requests in ${seconds.toFixed(1)} s (${Math.round(submitted / seconds)} req/s); ` +
        `outcomes ${JSON.stringify(counts)}; server ${JSON.stringify({ ...serverStats, type: undefined, duplicates: serverStats.duplicates.length })}; ` +
        `maxOutstanding ${maxOutstanding}; children seen ${pidsSeen.size}`,
    );

    // Every future settled, each with an outcome we can name that matches its plan, and the counts add up.
    expect(submitted).toBeGreaterThanOrEqual(MIN_REQUESTS);
    expect(settled).toBe(submitted);
    expect(tally.total).toBe(submitted);
    expect(tally.mismatches).toEqual([]);
    const kinds = ['ok', '5xx', 'ConnectionError', 'ReadTimeout', 'BrokenProcessPool'];
    expect(kinds.filter((kind) => tally.count(kind) === 0)).toEqual([]);
    expect(Object.keys(counts).filter((k) => k.startsWith('status ') || k.startsWith('untyped'))).toEqual([]);

    // The SIGKILL hit running work; the marker's child exited with its own code.
    expect(killed).toBeDefined();
    expect(tally.broken.some((e) => e.pid === killed && e.signal === 'SIGKILL')).toBe(true);
    expect(tally.broken.some((e) => e.exitCode === SELF_EXIT_CODE)).toBe(true);
    // Only the tasks the two dying children were running failed for it.
    expect(tally.broken.length).toBeLessThanOrEqual(2 * CONCURRENCY_PER_WORKER);

    // No request was sent twice; the ones never received are among those a dying child failed.
    expect(serverStats.duplicates).toEqual([]);
    expect(serverStats.received).toBeLessThanOrEqual(submitted);
    expect(serverStats.received).toBeGreaterThanOrEqual(submitted - tally.broken.length);

    // Bounded: futures by session.map's window; sockets by the children's pools (a child runs
    // at most CONCURRENCY_PER_WORKER requests; one more child's worth while a replacement starts).
    expect(maxOutstanding).toBeLessThanOrEqual(session.maxQueued + 1);
    expect(serverStats.peakOpenConnections).toBeLessThanOrEqual((MAX_WORKERS + 1) * CONCURRENCY_PER_WORKER);
    // Sockets are pooled: beyond those the resets and timeouts destroyed, each connection served many requests.
    const destroyedByFaults = tally.count('ConnectionError') + tally.count('ReadTimeout');
    expect(serverStats.totalConnections).toBeLessThan(destroyedByFaults + submitted / 10);

    // Nothing left behind: children, the server, connections, descriptors.
    expect(pidsSeen.size).toBeGreaterThanOrEqual(MAX_WORKERS + 2);
    expect([...pidsSeen].filter(isAlive)).toEqual([]);
    expect(isAlive(server.pid)).toBe(false);
    expect(executor.stats().workers).toEqual([]);
    const fdsAfter = openFileDescriptors();
    expect([...fdsAfter].filter((entry) => !fdsBefore.has(entry))).toEqual([]);
    expect(fdsAfter.size).toBeLessThanOrEqual(fdsBefore.size);
  }, 150_000);
});
