/**
 * `import { bench } from '@requests-futures/cli'`: the --json object as a
 * promise, a 'progress' event each second, an AbortSignal that ends the run
 * early, bad options refused at once by name; and importing the package runs
 * nothing (its "exports" resolve, the CLI does not start).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { bench, BenchOptionsError, type BenchProgress } from '@requests-futures/cli';
import { isAlive } from '@requests-futures/testing';
import { runBenchProcess, serveOnLoopback } from './bench-process.js';
import { closeServer, runRfProcess } from './helpers.js';

const IMPORT_FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/import-as-library.mjs');

/** Polls until `condition` holds or the deadline passes; returns whether it held. */
async function eventually(condition: () => boolean, deadlineMs = 5_000): Promise<boolean> {
  const until = performance.now() + deadlineMs;
  while (!condition() && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
  return condition();
}

async function allGone(pids: number[]): Promise<number[]> {
  await eventually(() => !pids.some(isAlive));
  return pids.filter(isAlive);
}

describe('bench() from @requests-futures/cli', () => {
  let server: Server;
  let base: string;
  /** Requests by path: each test loads a path of its own, so a request cut off in one cannot land in another's count. */
  const served = new Map<string, number>();
  const servedAt = (url: string) => served.get(new URL(url).pathname) ?? 0;

  beforeAll(async () => {
    ({ server, url: base } = await serveOnLoopback((req, res) => {
      const path = new URL(req.url ?? '/', base).pathname;
      served.set(path, (served.get(path) ?? 0) + 1);
      res.end('ok');
    }));
  });
  afterAll(() => closeServer(server));

  it('resolves to the --json object and emits a progress event each second', async () => {
    const url = `${base}progress`;
    const run = bench({ url, duration: 2.5, connections: 4 });
    const seconds: BenchProgress[] = [];
    run.on('progress', (progress) => seconds.push(progress));
    const report = await run;

    expect(seconds).toHaveLength(2);
    expect(seconds[0]!.elapsedMs).toBeGreaterThanOrEqual(990);
    expect(seconds[1]!.elapsedMs).toBeGreaterThanOrEqual(1_990);
    expect(seconds[1]!.requests).toBeGreaterThan(seconds[0]!.requests);
    expect(seconds[1]!.requests).toBeLessThanOrEqual(report.requests);
    expect(servedAt(url)).toBeGreaterThanOrEqual(report.requests);
    // Requests cut off at the end may reach the server a moment after the report.
    expect(await eventually(() => servedAt(url) === report.requests + report.cutOff)).toBe(true);
    expect(report).toMatchObject({ url, mode: 'in-process', connections: 4, scenario: null });
    expect(report.environment?.command).toEqual(['bench', url, '-c', '4', '-d', '2.5', '--json']);

    const cli = await runBenchProcess([url, '-n', '20', '-c', '2']);
    expect(Object.keys(report).sort()).toEqual(Object.keys(cli.report).sort());
    expect(Object.keys(report.environment!).sort()).toEqual(Object.keys(cli.report.environment!).sort());
  });

  it('requests and processes as the flags: -n 400 over 2 children reaches the server 400 times', async () => {
    const url = `${base}count`;
    const report = await bench({ url, requests: 400, processes: 2, connections: 4 });
    expect(servedAt(url)).toBe(400);
    expect(report).toMatchObject({ requests: 400, mode: 'processes', processes: 2 });
    expect(report.pids).not.toContain(process.pid);
    expect(await allGone(report.pids)).toEqual([]);
  });

  for (const processes of [undefined, 2]) {
    it(`signal: aborting ends a 30 s run early with what ran${processes ? ', children included' : ''}`, async () => {
      const url = `${base}abort-${processes ?? 0}`;
      const abort = new AbortController();
      const startedAt = performance.now();
      const run = bench({ url, duration: '30s', connections: 2, signal: abort.signal, ...(processes ? { processes } : {}) });
      run.once('progress', () => abort.abort());
      const report = await run;
      expect(performance.now() - startedAt).toBeLessThan(10_000);
      expect(report.durationMs).toBeLessThan(3_000);
      expect(report.requests).toBeGreaterThan(0);
      expect(servedAt(url)).toBeGreaterThanOrEqual(report.requests);
      expect(await eventually(() => servedAt(url) === report.requests + report.cutOff)).toBe(true);
      if (processes) expect(await allGone(report.pids)).toEqual([]);
    });
  }

  it('refuses bad options at once, by their names, before sending anything', () => {
    const url = `${base}refused`;
    expect(() => bench({ url, connections: 0 })).toThrow(BenchOptionsError);
    expect(() => bench({ url, connections: 0 })).toThrow('bench(): connections (-c) must be a positive integer, got "0"');
    expect(() => bench({ url, duration: 'soon' })).toThrow('bench(): duration (-d) must be a duration such as 10, 10s, 500ms or 2m, got "soon"');
    expect(() => bench({ url, duration: 1, requests: 5 })).toThrow(/give duration \(-d\) DURATION or requests \(-n\) REQUESTS, not both/);
    expect(() => bench({ url, conections: 4 } as never)).toThrow(/unknown option "conections"/);
    expect(() => bench({ url: 'ftp://x/' })).toThrow('bench(): not an http(s) URL: "ftp://x/"');
    expect(() => bench({})).toThrow(/needs a URL/);
    expect(servedAt(url)).toBe(0);
  });

  it('importing the package by name starts nothing, whatever the command line says', async () => {
    const url = `${base}import`;
    const run = await runRfProcess(['bench', url, '-n', '5'], { bin: IMPORT_FIXTURE });
    expect(run).toEqual({ code: 0, stdout: '{"bench":"function","runCli":"function"}', stderr: '' });
    expect(servedAt(url)).toBe(0);
  });
});
