/**
 * Constant-rate mode (-R): the rate holds over the run, and latency counts from
 * each request's due time, so a server stall shows in every request it delayed
 * (coordinated omission corrected, as wrk2), while the send-to-answer latency
 * kept beside it hides the stall behind the few requests that were in flight.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { decodeHistogram } from '../dist/bench/histogram.js';
import { runBenchProcess, serveOnLoopback } from './bench-process.js';
import { closeServer } from './helpers.js';

const STALL_AFTER_MS = 1_000;
const STALL_MS = 1_000;

describe('rf bench -R', () => {
  let server: Server;
  let url: string;
  let served = 0;
  /** When set, the server answers nothing from stallFrom until stallFrom + STALL_MS (a GC pause, a lock), then everything held. */
  let stalling = false;
  let firstAt = 0;

  beforeAll(async () => {
    ({ server, url } = await serveOnLoopback((_req, res) => {
      served += 1;
      const now = performance.now();
      if (firstAt === 0) firstAt = now;
      const stallFrom = firstAt + STALL_AFTER_MS;
      if (stalling && now >= stallFrom && now < stallFrom + STALL_MS) setTimeout(() => res.end('ok'), stallFrom + STALL_MS - now);
      else res.end('ok');
    }));
  });
  afterAll(() => closeServer(server));

  for (const processes of [[], ['--processes', '2']]) {
    it(`-R 500 -d 3 ${processes.join(' ')}: the server counts 1,500 ± 2 % requests`, async () => {
      served = 0;
      stalling = false;
      // 50 connections: room to catch up after a hiccup of this shared machine without falling behind the schedule.
      const run = await runBenchProcess([url, '-R', '500', '-d', '3', '-c', '50', ...processes]);
      expect(served).toBeGreaterThanOrEqual(1_470);
      expect(served).toBeLessThanOrEqual(1_530);
      expect(run.report.rate).toBe(500);
      expect(run.report.requests + run.report.cutOff).toBe(served);
      // Three complete seconds; answers per second move between seconds when this busy machine hiccups, their mean does not.
      expect(run.report.requestsPerSecondBySecond.samples).toBe(3);
      expect(Math.abs(run.report.requestsPerSecondBySecond.mean - 500)).toBeLessThan(25);
      expect(run.survivors).toEqual([]);
    });
  }

  it('a one-second stall: the corrected p99 shows it, the uncorrected p99 hides it (its max alone keeps it)', async () => {
    served = 0;
    firstAt = 0;
    stalling = true;
    // 2 connections at 200/s for 4 s: the stall holds 2 requests in flight (0.25 % of 800) while ~200 more fall due.
    const run = await runBenchProcess([url, '-R', '200', '-d', '4', '-c', '2']);
    const { latencyMs: corrected, uncorrectedLatencyMs: uncorrected } = run.report;
    expect(uncorrected).not.toBeNull();
    expect(run.report.responses).toBeGreaterThan(700);
    expect(corrected.p99).toBeGreaterThan(0.8 * STALL_MS);
    expect(corrected.p90).toBeGreaterThan(0.3 * STALL_MS);
    expect(uncorrected!.p99).toBeLessThan(0.4 * STALL_MS);
    expect(uncorrected!.max).toBeGreaterThan(0.9 * STALL_MS);
    // Both histograms are in --json, decodable, holding every answer.
    expect(decodeHistogram(run.report.histograms.latencyUs).totalCount).toBe(run.report.responses);
    expect(decodeHistogram(run.report.histograms.uncorrectedLatencyUs!).totalCount).toBe(run.report.responses);
    expect(run.survivors).toEqual([]);
  });

  it('refuses a rate that is not a positive number', async () => {
    const { runCli } = await import('../dist/program.js');
    const { captureIo } = await import('./helpers.js');
    const bad = captureIo();
    expect(await runCli(['bench', url, '-R', 'fast'], { io: bad.io })).toBe(2);
    expect(bad.output().stderr).toMatch(/-R must be a positive number of requests per second, got "fast"/);
  });
});
