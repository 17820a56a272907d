/**
 * `rf bench` ends when it says it does, and sends exactly what it says: at the
 * end of -d, requests in flight are aborted and counted as cut off (neither
 * answers nor errors) and the process exits within a second of the deadline,
 * even when the server never answers; -n 4000 reaches the server exactly 4,000
 * times, in one process or two.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { isAlive } from '@requests-futures/testing';
import { countingServer, runBenchProcess, serveOnLoopback } from './bench-process.js';
import { closeServer } from './helpers.js';

describe('rf bench -d ends on time', () => {
  /** Never answers; remembers when the first request arrived (the run's start, as near as the server can tell). */
  let silent: Server;
  let silentUrl: string;
  let firstRequestAt = 0;
  let silentRequests = 0;
  /** Answers each request 700 ms after it arrived. */
  let slow: Server;
  let slowUrl: string;

  beforeAll(async () => {
    ({ server: silent, url: silentUrl } = await serveOnLoopback(() => {
      silentRequests += 1;
      if (firstRequestAt === 0) firstRequestAt = performance.now();
    }));
    ({ server: slow, url: slowUrl } = await serveOnLoopback((_req, res) => {
      setTimeout(() => res.end('late'), 700);
    }));
  });
  afterAll(async () => {
    await closeServer(silent);
    await closeServer(slow);
  });

  for (const processes of [[], ['--processes', '2']]) {
    it(`a server that never answers, -d 1s -c 4 ${processes.join(' ')}: exits within a second of the deadline, the 4 requests cut off, no error, no process left`, async () => {
      firstRequestAt = 0;
      silentRequests = 0;
      // --timeout 30: only the end of the run may end these requests.
      const run = await runBenchProcess([silentUrl, '-d', '1s', '-c', '4', '--timeout', '30', ...processes]);
      expect(silentRequests).toBe(4);
      expect(firstRequestAt).toBeGreaterThan(0);
      // The deadline is 1 s after the start; the start is at or just before the first request's arrival.
      expect(run.exitedAt - firstRequestAt).toBeLessThan(2_000);
      expect(run.report).toMatchObject({ requests: 0, responses: 0, cutOff: 4, errors: {}, statusCodes: {} });
      expect(run.report.durationMs).toBeGreaterThanOrEqual(1_000);
      expect(run.report.durationMs).toBeLessThan(1_500);
      // Nothing was answered: the tool says so.
      expect(run.code).toBe(1);
      expect(run.survivors).toEqual([]);
      expect(run.report.pids.filter((pid) => isAlive(pid))).toEqual([]);
    });
  }

  it('a server answering in 700 ms, -d 1s -c 2: the first two answers count, the two in flight at the end are cut off, not errors', async () => {
    const run = await runBenchProcess([slowUrl, '-d', '1s', '-c', '2']);
    expect(run.report).toMatchObject({ requests: 2, responses: 2, cutOff: 2, errors: {}, statusCodes: { '200': 2 } });
    expect(run.report.latencyMs.min).toBeGreaterThanOrEqual(690);
    expect(run.code).toBe(0);
    expect(run.survivors).toEqual([]);
  });
});

describe('rf bench -n sends exactly n', () => {
  // Started once for the block, stopped after it.
  const target = countingServer();
  afterAll(async () => closeServer((await target).server));

  for (const processes of [[], ['--processes', '2']]) {
    it(`-n 4000 -c 16 ${processes.join(' ')}: the server counts 4,000 requests, the report 4,000 answers`, async () => {
      const { url, served } = await target;
      served.count = 0;
      const run = await runBenchProcess([url, '-n', '4000', '-c', '16', ...processes]);
      expect(served.count).toBe(4_000);
      expect(run.report).toMatchObject({ requests: 4_000, responses: 4_000, cutOff: 0, statusCodes: { '200': 4_000 } });
      expect(run.report.processes).toBe(processes.length === 0 ? 0 : 2);
      expect(run.code).toBe(0);
      expect(run.survivors).toEqual([]);
    });
  }
});
