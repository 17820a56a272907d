/**
 * Runs a load either here or split across N child processes (one long loop
 * task each, through ProcessPoolExecutor), and merges the per-process tallies
 * into one.
 */
import { ProcessPoolExecutor, fnRef } from '@requests-futures/core';
import { decodeHistogram, mergeHistograms, type Histogram } from './histogram.js';
import type { LoadSpec } from './load-spec.js';
import { LOOP_TASK_MODULE, type EncodedLoadTally } from './loop-task.js';
import { runLoad } from './run-load.js';
import { splitEvenly } from './split.js';
import { StartBarrier } from './start-barrier.js';

/** Children start in well under a second; this only bounds a child that hangs before it is ready. */
export const READY_TIMEOUT_MS = 60_000;

export interface MergedLoad {
  histogram: Histogram;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
  /**
   * The measurement window: from the common start signal to the last answer
   * of the slowest generator (child start-up excluded). Every generator ran
   * inside it, so total requests / window is the rate the target saw.
   */
  durationMs: number;
  /** Generators that actually ran (fewer than asked when there are fewer connections or requests). */
  generators: number;
  /** The processes the load came from (this one for in-process runs). */
  pids: number[];
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
}

export async function runLoadInProcess(spec: LoadSpec): Promise<MergedLoad> {
  const tally = await runLoad(spec);
  return {
    histogram: tally.histogram,
    statusCodes: tally.statusCodes,
    errors: tally.errors,
    durationMs: tally.elapsedMs,
    generators: 1,
    pids: [process.pid],
  };
}

/** Each process gets an even share of the connections and of the request budget; `-d` applies to each as given. */
export function planShares(spec: LoadSpec, processes: number): LoadSpec[] {
  const count = Math.max(1, Math.min(processes, spec.connections, spec.requests ?? Infinity));
  const connections = splitEvenly(spec.connections, count);
  const requests = spec.requests === undefined ? undefined : splitEvenly(spec.requests, count);
  return connections.map((c, i) => (requests ? { ...spec, connections: c, requests: requests[i] } : { ...spec, connections: c }));
}

export function mergeTallies(tallies: EncodedLoadTally[]): MergedLoad {
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const tally of tallies) {
    addCounts(statusCodes, tally.statusCodes);
    addCounts(errors, tally.errors);
  }
  return {
    histogram: mergeHistograms(tallies.map((t) => decodeHistogram(t.histogram))),
    statusCodes,
    errors,
    durationMs: Math.max(0, ...tallies.map((t) => t.elapsedMs)),
    generators: tallies.length,
    pids: [...new Set(tallies.map((t) => t.pid))],
  };
}

export async function runLoadInProcesses(spec: LoadSpec, processes: number): Promise<MergedLoad> {
  const shares = planShares(spec, processes);
  // One task per child: concurrencyPerWorker 1 keeps two loops from sharing a process.
  const executor = new ProcessPoolExecutor({ maxWorkers: shares.length, concurrencyPerWorker: 1 });
  const barrier = await StartBarrier.open(shares.length);
  try {
    const task = fnRef(LOOP_TASK_MODULE, 'benchLoopTask');
    const futures = shares.map((share) => executor.submit<EncodedLoadTally>(task, share, barrier.port));
    const tallies = Promise.all(futures.map((future) => future.result()));
    // Handled below; until then a failure must not surface as an unhandled rejection.
    tallies.catch(() => {});
    // A child that fails before it is ready would leave the others waiting: its failure ends the wait.
    await Promise.race([barrier.allReady(READY_TIMEOUT_MS), tallies]);
    barrier.release();
    return mergeTallies(await tallies);
  } finally {
    // After a failure this tells the other children to stop, so the error is reported now, not after their -d.
    await barrier.close();
    await executor.shutdown({ wait: true, cancelFutures: true });
  }
}
