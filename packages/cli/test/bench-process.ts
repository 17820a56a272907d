/** Runs `rf bench` as a child process the way a benchmark script would, finds what it left behind; the target servers. */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { BenchReport } from '../dist/bench/report.js';
import { listenOnLoopback } from '@requests-futures/testing';
import { RF_BIN } from './helpers.js';

export interface BenchProcessRun {
  code: number | null;
  report: BenchReport;
  stderr: string;
  /** performance.now() of this process when the child exited. */
  exitedAt: number;
  /** Processes still running that inherited this run's environment marker: rf's children, if any survived. */
  survivors: number[];
}

/** Pids of this user's live processes whose environment holds `NAME=value`. */
export function processesWithEnv(name: string, value: string): number[] {
  const needle = `${name}=${value}`;
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.charAt(stat.lastIndexOf(')') + 2) === 'Z') continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(needle)) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or another user's process: not ours.
    }
  }
  return found;
}

export async function runBenchProcess(args: string[]): Promise<BenchProcessRun> {
  const marker = randomUUID();
  const child = spawn(process.execPath, [RF_BIN, 'bench', ...args, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RF_BENCH_TEST_RUN: marker },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const [[code]] = await Promise.all([once(child, 'exit') as Promise<[number | null]>, once(child, 'close')]);
  const exitedAt = performance.now();
  let report: BenchReport;
  try {
    report = JSON.parse(stdout) as BenchReport;
  } catch {
    throw new Error(`rf bench printed no JSON report (exit ${code}): ${stdout}${stderr}`);
  }
  return { code, report, stderr, exitedAt, survivors: processesWithEnv('RF_BENCH_TEST_RUN', marker) };
}

/** A keep-alive node:http server on 127.0.0.1 and its URL. */
export async function serveOnLoopback(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.keepAliveTimeout = 60_000;
  return { server, url: `http://127.0.0.1:${await listenOnLoopback(server)}/` };
}

export async function stopServer(server: Server): Promise<void> {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
}

/** A server answering "ok" to everything, counting the requests it received. */
export async function countingServer(): Promise<{ server: Server; url: string; served: { count: number } }> {
  const served = { count: 0 };
  const { server, url } = await serveOnLoopback((_req, res) => {
    served.count += 1;
    res.end('ok');
  });
  return { server, url, served };
}
