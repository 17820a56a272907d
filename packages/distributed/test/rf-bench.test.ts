/**
 * `rf bench --redis URL --queue NAME`: the load runs on every connected
 * `rf worker`, started together, and their HdrHistograms are merged (not
 * their percentiles). Real redis-server, real worker processes, a node:http
 * target that counts what arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { closedLoopbackPort, listenOnLoopback, startRedisServer, type RedisServer } from '@requests-futures/testing';
import { createLatencyHistogram, decodeHistogram } from '../../cli/dist/bench/histogram.js';
import type { BenchReport } from '../../cli/dist/bench/report.js';
import { bench } from '@requests-futures/cli';
import { RF, startWorker, until } from './support/fleet.js';

/** The CLI's example scenario: log in as user-<iteration>, then fetch the items. */
const SCENARIO = fileURLToPath(new URL('../../cli/examples/login-then-items.mjs', import.meta.url));

let redis: RedisServer;
let target: Server;
let targetUrl: string;
let arrived = 0;

beforeAll(async () => {
  redis = await startRedisServer();
  target = createServer((_request, response) => {
    arrived += 1;
    response.end('ok');
  });
  targetUrl = `http://127.0.0.1:${await listenOnLoopback(target)}/`;
});

afterAll(async () => {
  target?.closeAllConnections();
  await new Promise((resolve) => target?.close(resolve));
  await redis?.stop();
});

const rf = (args: string[]) =>
  promisify(execFile)(process.execPath, [RF, 'bench', ...args], { timeout: 60_000 }).then(
    ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe('rf bench --redis', () => {
  it('sends exactly -n requests from both workers, and merges their histograms', async () => {
    const workers = [await startWorker(redis.url, 'bench', 'bench-a'), await startWorker(redis.url, 'bench', 'bench-b', ['--processes', '2'])];
    try {
      arrived = 0;
      const { code, stdout, stderr } = await rf([targetUrl, '--redis', redis.url, '--queue', 'bench', '-n', '2000', '-c', '8', '--json', '--no-progress']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const report = JSON.parse(stdout) as BenchReport;
      expect(arrived).toBe(2000);
      expect(report).toMatchObject({ mode: 'distributed', requests: 2000, responses: 2000, cutOff: 0, statusCodes: { '200': 2000 } });
      // Both contributed: bench-a in its own process, bench-b over its 2 children.
      const parts = report.workers!;
      expect(parts.map((w) => w.name)).toEqual(['bench-a', 'bench-b']);
      for (const part of parts) expect(part.requests).toBe(1000);
      expect(parts[0]!.pids).toEqual([workers[0]!.pid]);
      expect(parts[1]!.pids).toHaveLength(2);
      expect(report.processes).toBe(3);

      // The merged histogram is the sum of the workers' histograms, not a blend of their percentiles.
      const merged = decodeHistogram(report.histograms.latencyUs);
      const [a, b] = parts.map((w) => decodeHistogram(w.latencyUs));
      expect(merged.totalCount).toBe(2000);
      expect(a!.totalCount + b!.totalCount).toBe(2000);
      // A histogram that resizes itself, as the coordinator's: a decoded one keeps its own range.
      const sum = createLatencyHistogram();
      sum.add(a!);
      sum.add(b!);
      for (const percentile of [50, 90, 99, 100]) expect(merged.getValueAtPercentile(percentile)).toBe(sum.getValueAtPercentile(percentile));
      const p50s = parts.map((w) => w.latencyMs.p50);
      expect(report.latencyMs.p50).toBeGreaterThanOrEqual(Math.min(...p50s));
      expect(report.latencyMs.p50).toBeLessThanOrEqual(Math.max(...p50s));
      expect(report.latencyMs.max).toBe(Math.max(...parts.map((w) => w.latencyMs.max)));
      expect(report.latencyMs.min).toBe(Math.min(...parts.map((w) => w.latencyMs.min)));
      // The window is the slowest worker's, from the common start.
      expect(report.durationMs).toBe(Math.max(...parts.map((w) => w.durationMs)));
    } finally {
      for (const worker of workers) expect(await worker.stop()).toBe(0);
    }
    // Pub/sub only: the run leaves nothing in Redis.
    expect((await redis.command('KEYS', '*')).filter((key) => key.includes('rf-bench'))).toEqual([]);
  });

  it('prints the same text report, with a line per worker', async () => {
    const workers = [await startWorker(redis.url, 'bench-text', 'text-a'), await startWorker(redis.url, 'bench-text', 'text-b')];
    try {
      const { code, stdout } = await rf([targetUrl, '--redis', redis.url, '--queue', 'bench-text', '-n', '200', '-c', '4', '--no-progress']);
      expect(code).toBe(0);
      expect(stdout).toMatch(/4 connections, closed loop, keep-alive sockets, 2 rf workers \(2 processes\)/);
      expect(stdout).toMatch(/Requests: +200 in /);
      expect(stdout).toMatch(/Worker text-a: 100 requests/);
      expect(stdout).toMatch(/Worker text-b: 100 requests/);
    } finally {
      for (const worker of workers) expect(await worker.stop()).toBe(0);
    }
  });

  it('bench({ redis, queue }) runs on the workers too, and its signal stops every share early', async () => {
    const workers = [await startWorker(redis.url, 'bench-api', 'api-a'), await startWorker(redis.url, 'bench-api', 'api-b')];
    try {
      const stop = new AbortController();
      const run = bench({ url: targetUrl, redis: redis.url, queue: 'bench-api', duration: '120s', connections: 4, signal: stop.signal });
      // Stopped after its first second of load: every worker must hear it, not run out its 120 s.
      run.once('progress', () => stop.abort());
      const startedAt = Date.now();
      const report = await run;
      expect(Date.now() - startedAt).toBeLessThan(30_000);
      expect(report.mode).toBe('distributed');
      expect(report.workers!.map((w) => w.name)).toEqual(['api-a', 'api-b']);
      for (const part of report.workers!) expect(part.requests).toBeGreaterThan(0);
      expect(report.requests).toBe(report.workers!.reduce((total, w) => total + w.requests, 0));
      expect(report.environment!.command).toEqual(expect.arrayContaining(['--redis', redis.url, '--queue', 'bench-api']));
    } finally {
      for (const worker of workers) expect(await worker.stop()).toBe(0);
    }
  });

  it('fails with WorkerLost naming a worker killed mid-run, and stops the others', async () => {
    const doomed = await startWorker(redis.url, 'bench-lost', 'doomed');
    const survivor = await startWorker(redis.url, 'bench-lost', 'survivor');
    try {
      arrived = 0;
      const child = spawn(process.execPath, [RF, 'bench', targetUrl, '--redis', redis.url, '--queue', 'bench-lost', '-d', '120s', '-c', '4', '--no-progress'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      await until(() => arrived > 100, 20_000, 'the load to start');
      await doomed.kill();
      const killedAt = Date.now();
      expect(await exited).toBe(1);
      // Silence is noticed after 10 s without a word from the worker (it says it is alive every second).
      expect(Date.now() - killedAt).toBeLessThan(15_000);
      expect(stderr).toMatch(/WorkerLost: rf worker doomed went silent/);
    } finally {
      // The survivor was told to stop its share: it leaves at once, not after 120 s.
      const stopping = Date.now();
      expect(await survivor.stop()).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(10_000);
    }
  });

  it('--script: every iteration runs once over the workers and their processes, numbered 0..n-1', async () => {
    const logins = new Map<string, number>();
    const site = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        if (request.url === '/login') {
          const { user } = JSON.parse(body) as { user: string };
          logins.set(user, (logins.get(user) ?? 0) + 1);
          response.setHeader('Content-Type', 'application/json');
          response.end(JSON.stringify({ token: `t-${user}` }));
        } else response.end('[1,2,3]');
      });
    });
    const siteUrl = `http://127.0.0.1:${await listenOnLoopback(site)}/`;
    const workers = [await startWorker(redis.url, 'bench-script', 'script-a'), await startWorker(redis.url, 'bench-script', 'script-b', ['--processes', '2'])];
    try {
      const { code, stdout, stderr } = await rf([siteUrl, '--script', SCENARIO, '--redis', redis.url, '--queue', 'bench-script', '-n', '61', '-c', '6', '--json', '--no-progress']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const report = JSON.parse(stdout) as BenchReport;
      expect(report).toMatchObject({ mode: 'distributed', requests: 61, statusCodes: { ok: 61 } });
      expect(report.scenario!.requests['login']!.requests).toBe(61);
      expect([...logins.keys()].sort()).toEqual(Array.from({ length: 61 }, (_, i) => `user-${i}`).sort());
      expect([...logins.values()].every((count) => count === 1)).toBe(true);
    } finally {
      for (const worker of workers) expect(await worker.stop()).toBe(0);
      site.closeAllConnections();
      await new Promise((resolve) => site.close(resolve));
    }
  });

  it('a worker whose coordinator was killed stops its share instead of loading the target for nobody', async () => {
    const worker = await startWorker(redis.url, 'bench-orphan', 'orphan-a');
    try {
      arrived = 0;
      const coordinator = spawn(process.execPath, [RF, 'bench', targetUrl, '--redis', redis.url, '--queue', 'bench-orphan', '-d', '120s', '-c', '2', '--no-progress'], { stdio: 'ignore' });
      const exited = new Promise((resolve) => coordinator.once('exit', resolve));
      await until(() => worker.stderr().includes('taking a share of 2 connections') && arrived > 50, 20_000, 'the share to start');
      coordinator.kill('SIGKILL');
      await exited;
      // Its next message (within a second) is heard by nobody.
      await until(() => worker.stderr().includes('its coordinator is gone, stopping this share'), 10_000, 'the worker to notice');
      await until(() => /bench run \S+: done: \d+ requests/.test(worker.stderr()), 10_000, 'the share to end');
    } finally {
      expect(await worker.stop()).toBe(0);
    }
  });

  it('refuses a run nobody can take, and flags that contradict each other', async () => {
    expect(await rf([targetUrl, '--redis', redis.url, '--queue', 'nobody-here', '-n', '10'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/no rf worker listens on queue nobody-here/) });
    expect(await rf([targetUrl, '--redis', redis.url, '-n', '10'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--redis URL and --queue NAME go together/) });
    expect(await rf([targetUrl, '--redis', redis.url, '--queue', 'q', '--processes', '2'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--processes has no meaning with --redis/) });
    expect(await rf([targetUrl, '--redis', 'http://127.0.0.1:1', '--queue', 'q'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--redis must be a redis:\/\/ URL/) });
    const nowhere = `redis://127.0.0.1:${await closedLoopbackPort()}`;
    expect(await rf([targetUrl, '--redis', nowhere, '--queue', 'q', '-n', '10'])).toMatchObject({ code: 1, stderr: expect.stringMatching(new RegExp(`LoadStartError: cannot reach Redis at ${nowhere}`)) });
  });

  it('a worker ignores bench messages that do not parse or are of no known kind, and still takes its share', async () => {
    const worker = await startWorker(redis.url, 'bench-junk', 'junk-a');
    try {
      for (const junk of ['not json', '{"kind":"run-this","code":"process.exit(3)"}', '{"kind":"plan","run":"x","shares":{"junk-a":7}}']) {
        expect(await redis.command('PUBLISH', 'rf:bench-junk:rf-bench', junk)).toEqual(['1']);
      }
      arrived = 0;
      const { code, stdout } = await rf([targetUrl, '--redis', redis.url, '--queue', 'bench-junk', '-n', '100', '-c', '2', '--json', '--no-progress']);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ requests: 100, workers: [{ name: 'junk-a', requests: 100 }] });
      expect(arrived).toBe(100);
    } finally {
      expect(await worker.stop()).toBe(0);
    }
  });

  it('refuses two workers of one name, which would both run the same share', async () => {
    const twins = [await startWorker(redis.url, 'bench-twins', 'twin'), await startWorker(redis.url, 'bench-twins', 'twin')];
    try {
      arrived = 0;
      expect(await rf([targetUrl, '--redis', redis.url, '--queue', 'bench-twins', '-n', '100'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/two rf workers on this queue are named twin/) });
      expect(arrived).toBe(0);
    } finally {
      for (const twin of twins) expect(await twin.stop()).toBe(0);
    }
  });
});
