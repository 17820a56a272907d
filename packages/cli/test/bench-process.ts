/** Runs `rf bench` as a child process the way a benchmark script would, finds what it left behind; the target servers. */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { BenchReport } from '../dist/bench/report.js';
import { isAlive, listenOnLoopback } from '@requests-futures/testing';
import { RF_BIN } from './helpers.js';

export interface BenchProcessRun {
  code: number | null;
  report: BenchReport;
  /** The text report (without --json), else the JSON as printed. */
  stdout: string;
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

export interface BenchProcessOptions {
  /**
   * Ctrl-C once the first progress line is on stderr: SIGINT to rf alone
   * ('rf'), or to its whole process group, children included, as a terminal
   * sends it ('group'); or to the group as soon as rf has started a child,
   * while the children start up ('group-at-start').
   */
  interrupt?: 'rf' | 'group' | 'group-at-start';
  /** Without --json: `report` is then absent and `stdout` the text report. */
  text?: boolean;
}

export async function runBenchProcess(args: string[], options: BenchProcessOptions & { text: true }): Promise<Omit<BenchProcessRun, 'report'>>;
export async function runBenchProcess(args: string[], options?: BenchProcessOptions): Promise<BenchProcessRun>;
export async function runBenchProcess(args: string[], { interrupt, text = false }: BenchProcessOptions = {}): Promise<Omit<BenchProcessRun, 'report'> & { report?: BenchReport }> {
  const marker = randomUUID();
  const child = spawn(process.execPath, [RF_BIN, 'bench', ...args, ...(text ? [] : ['--json'])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RF_BENCH_TEST_RUN: marker },
    // Its own process group, so 'group' reaches rf and its children and nothing of jest's.
    detached: interrupt === 'group' || interrupt === 'group-at-start',
  });
  if (interrupt === 'group-at-start') void interruptOnceAChildRuns(child.pid!, marker);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => {
    const first = interrupt !== undefined && !stderr.includes('\n');
    stderr += chunk;
    if (first && interrupt !== 'group-at-start' && stderr.includes('\n')) process.kill(interrupt === 'group' ? -child.pid! : child.pid!, 'SIGINT');
  });
  const [[code]] = await Promise.all([once(child, 'exit') as Promise<[number | null]>, once(child, 'close')]);
  const exitedAt = performance.now();
  const survivors = processesWithEnv('RF_BENCH_TEST_RUN', marker);
  if (text) return { code, stdout, stderr, exitedAt, survivors };
  try {
    return { code, report: JSON.parse(stdout) as BenchReport, stdout, stderr, exitedAt, survivors };
  } catch {
    throw new Error(`rf bench printed no JSON report (exit ${code}): ${stdout}${stderr}`);
  }
}

/**
 * SIGINT to rf's process group once a process besides rf carries the run's
 * marker (a pool child, just spawned). rf's own handler is in place by then:
 * it installs it before it parses its arguments.
 */
async function interruptOnceAChildRuns(rfPid: number, marker: string): Promise<void> {
  // /proc offers no event for a new process: scanned until the condition holds (or rf is gone).
  while (isAlive(rfPid)) {
    if (processesWithEnv('RF_BENCH_TEST_RUN', marker).some((pid) => pid !== rfPid)) {
      process.kill(-rfPid, 'SIGINT');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** A keep-alive node:http server on 127.0.0.1 and its URL. */
export async function serveOnLoopback(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.keepAliveTimeout = 60_000;
  return { server, url: `http://127.0.0.1:${await listenOnLoopback(server)}/` };
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
