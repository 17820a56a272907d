import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runCli } from '../dist/program.js';
import type { BenchReport } from '../dist/bench/report.js';
import { captureIo, refusedPort, runRfProcess } from './helpers.js';

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('rf bench end to end', () => {
  let server: Server;
  let url: string;
  let served = 0;
  const seenHeaders: string[] = [];

  beforeAll(async () => {
    // Every 5th request gets a 503, so the status counts have two keys to add up.
    server = createServer((req, res) => {
      served += 1;
      if (req.headers['x-bench']) seenHeaders.push(String(req.headers['x-bench']));
      res.writeHead(served % 5 === 0 ? 503 : 200, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    server.close();
  });

  it('-n 500 -c 8 --json: the counts add up to 500 and the server saw 500', async () => {
    served = 0;
    const run = await runRfProcess(['bench', url, '-n', '500', '-c', '8', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as BenchReport;
    expect(report.requests).toBe(500);
    expect(sum(report.statusCodes) + sum(report.errors)).toBe(500);
    expect(report.statusCodes).toEqual({ '200': 400, '503': 100 });
    expect(served).toBe(500);
    expect(report.mode).toBe('in-process');
    expect(report.requestsPerSecond).toBeGreaterThan(0);
    expect(report.latencyMs.p50).toBeGreaterThan(0);
    expect(report.latencyMs.p50).toBeLessThanOrEqual(report.latencyMs.p99);
    expect(report.latencyMs.p99).toBeLessThanOrEqual(report.latencyMs.max);
  });

  it('--processes 2 merges the children: counts add up, headers and method are sent', async () => {
    served = 0;
    seenHeaders.length = 0;
    const { io, output } = captureIo();
    const code = await runCli(['bench', url, '-n', '200', '-c', '4', '--processes', '2', '-H', 'X-Bench: yes', '--method', 'post', '--body', 'hi', '--json'], { io });
    expect(code).toBe(0);
    const report = JSON.parse(output().stdout) as BenchReport;
    expect(report).toMatchObject({ requests: 200, mode: 'processes', processes: 2, method: 'POST' });
    expect(sum(report.statusCodes)).toBe(200);
    expect(served).toBe(200);
    expect(seenHeaders).toHaveLength(200);
  });

  it('counts refused connections as errors by class, and exits 1 when nothing answered', async () => {
    const port = await refusedPort();
    const { io, output } = captureIo();
    const code = await runCli(['bench', `http://127.0.0.1:${port}/`, '-n', '20', '-c', '2', '--json'], { io });
    const report = JSON.parse(output().stdout) as BenchReport;
    expect(report.errors).toEqual({ ConnectionError: 20 });
    expect(report.requests).toBe(20);
    expect(code).toBe(1);
  });

  it('prints a readable text report, and refuses -d with -n', async () => {
    const text = captureIo();
    expect(await runCli(['bench', url, '-n', '20', '-c', '2'], { io: text.io })).toBe(0);
    expect(text.output().stdout).toMatch(/Requests:\s+20 in [\d.]+ s = [\d.]+ req\/s/);
    expect(text.output().stdout).toMatch(/Latency ms: p50 [\d.]+ {2}p90 [\d.]+ {2}p99 [\d.]+ {2}p99\.9 [\d.]+ {2}max/);

    const both = captureIo();
    expect(await runCli(['bench', url, '-n', '20', '-d', '1s'], { io: both.io })).toBe(2);
    expect(both.output().stderr).toMatch(/not both/);
  });
});
