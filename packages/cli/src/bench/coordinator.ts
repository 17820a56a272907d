/**
 * Runs a load either here (one FuturesSession) or split across N child
 * processes (one loop task each, through ProcessPoolExecutor), and merges the
 * per-process tallies into one.
 */
import { ProcessPoolExecutor, fnRef } from '@requests-futures/core';
import { decodeHistogram, mergeHistograms, type Histogram } from './histogram.js';
import type { LoadSpec } from './load-spec.js';
import { LOOP_TASK_MODULE, type EncodedLoadTally } from './loop-task.js';
import { runSessionLoad } from './session-load.js';
import { splitEvenly } from './split.js';

export interface MergedLoad {
  histogram: Histogram;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
  /** From the earliest start to the latest end among the generators (child start-up excluded). */
  durationMs: number;
  /** Generators that actually ran (fewer than asked when there are fewer connections or requests). */
  generators: number;
  /** Distinct processes the load came from (this one for in-process runs). */
  pids: number[];
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
}

export async function runLoadInProcess(spec: LoadSpec): Promise<MergedLoad> {
  const tally = await runSessionLoad(spec);
  return {
    histogram: tally.histogram,
    statusCodes: tally.statusCodes,
    errors: tally.errors,
    durationMs: tally.endedAt - tally.startedAt,
    generators: 1,
    pids: [process.pid],
  };
}

/** Each process gets an even share of the connections and of the request budget. */
export function planShares(spec: LoadSpec, processes: number): LoadSpec[] {
  const count = Math.max(1, Math.min(processes, spec.connections, spec.requests ?? Infinity));
  const connections = splitEvenly(spec.connections, count);
  const requests = spec.requests === undefined ? undefined : splitEvenly(spec.requests, count);
  return connections.map((c, i) => (requests ? { ...spec, connections: c, requests: requests[i] } : { ...spec, connections: c }));
}

export async function runLoadInProcesses(spec: LoadSpec, processes: number): Promise<MergedLoad> {
  const shares = planShares(spec, processes);
  // One task per child: concurrencyPerWorker 1 keeps two loops from sharing a process.
  const executor = new ProcessPoolExecutor({ maxWorkers: shares.length, concurrencyPerWorker: 1 });
  try {
    const task = fnRef(LOOP_TASK_MODULE, 'benchLoopTask');
    const futures = shares.map((share) => executor.submit<EncodedLoadTally>(task, share));
    const tallies: EncodedLoadTally[] = await Promise.all(futures.map((future) => future.result()));
    const statusCodes: Record<string, number> = {};
    const errors: Record<string, number> = {};
    for (const tally of tallies) {
      addCounts(statusCodes, tally.statusCodes);
      addCounts(errors, tally.errors);
    }
    const startedAt = Math.min(...tallies.map((t: EncodedLoadTally) => t.startedAt));
    const endedAt = Math.max(...tallies.map((t: EncodedLoadTally) => t.endedAt));
    return {
      histogram: mergeHistograms(tallies.map((t: EncodedLoadTally) => decodeHistogram(t.histogram))),
      statusCodes,
      errors,
      durationMs: endedAt - startedAt,
      generators: tallies.length,
      pids: [...new Set(tallies.map((t: EncodedLoadTally) => t.pid))],
    };
  } finally {
    await executor.shutdown({ wait: true, cancelFutures: true });
  }
}
