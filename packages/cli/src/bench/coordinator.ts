/**
 * Runs a load either here or split across N child processes (one long loop
 * task each, through ProcessPoolExecutor), and merges the per-process tallies
 * into one.
 */
import { ProcessPoolExecutor, fnRef } from '@requests-futures/core';
import { addCounts } from './counts.js';
import { LatencyRecorder } from './histogram.js';
import type { LoadSpec } from './load-spec.js';
import type { LoopProgress } from './load-loop.js';
import { LOOP_TASK_MODULE, type EncodedLoadTally } from './loop-task.js';
import { mergeNamed, type NamedTally } from './named-requests.js';
import { runLoad } from './run-load.js';
import { splitEvenly } from './split.js';
import { addPerSecond, densePerSecond } from './per-second.js';
import { StartBarrier } from './start-barrier.js';

/** Children start in well under a second; this only bounds a child that hangs before it is ready. */
export const READY_TIMEOUT_MS = 60_000;

export interface MergedLoad {
  latency: LatencyRecorder;
  uncorrected?: LatencyRecorder;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
  cutOff: number;
  bytes: number;
  /** Requests finished in each second, all generators added up (they share one start). */
  perSecond: number[];
  /**
   * The measurement window: from the common start signal to the end of the
   * slowest generator (child start-up excluded). Every generator ran
   * inside it, so total requests / window is the rate the target saw.
   */
  durationMs: number;
  /** Generators that actually ran (fewer than asked when there are fewer connections or requests). */
  generators: number;
  /** The processes the load came from (this one for in-process runs). */
  pids: number[];
  /** `--script`: the scenario's requests by name, all processes added up. */
  named?: Record<string, NamedTally>;
}

export type ProgressListener = (progress: LoopProgress) => void;

/** `stop`: ends the run early, as its deadline would (what ran is reported). */
export interface RunControl {
  onSecond?: ProgressListener;
  stop?: AbortSignal;
}

export async function runLoadInProcess(spec: LoadSpec, { onSecond, stop }: RunControl = {}): Promise<MergedLoad> {
  const { elapsedMs, ...tally } = await runLoad(spec, { ...(onSecond ? { onSecond } : {}), ...(stop ? { startSignal: async () => ({ stop }) } : {}) });
  return { ...tally, durationMs: elapsedMs, generators: 1, pids: [process.pid] };
}

/** Each process gets an even share of the connections, of the request budget and of the rate; `-d` applies to each as given. */
export function planShares(spec: LoadSpec, processes: number): LoadSpec[] {
  const count = Math.max(1, Math.min(processes, spec.connections, spec.requests ?? Infinity));
  const connections = splitEvenly(spec.connections, count);
  const requests = spec.requests === undefined ? undefined : splitEvenly(spec.requests, count);
  return connections.map((c, i) => {
    const share: LoadSpec = { ...spec, connections: c };
    if (requests) share.requests = requests[i];
    if (spec.rate !== undefined) share.rate = requests ? (spec.rate * requests[i]!) / spec.requests! : spec.rate / count;
    // Interleaved numbering: with -n the children's iterations are 0..n-1 between them, each once.
    if (spec.scenario) share.scenario = { ...spec.scenario, iterationOffset: i, iterationStride: count };
    return share;
  });
}

export function mergeTallies(tallies: EncodedLoadTally[]): MergedLoad {
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const perSecond: number[] = [];
  for (const tally of tallies) {
    addCounts(statusCodes, tally.statusCodes);
    addCounts(errors, tally.errors);
    addPerSecond(perSecond, tally.perSecond);
  }
  const uncorrectedParts = tallies.flatMap((t) => (t.uncorrected ? [LatencyRecorder.decode(t.uncorrected)] : []));
  const namedParts = tallies.flatMap((t) => (t.named ? [t.named] : []));
  return {
    latency: LatencyRecorder.merge(tallies.map((t) => LatencyRecorder.decode(t.latency))),
    ...(uncorrectedParts.length > 0 ? { uncorrected: LatencyRecorder.merge(uncorrectedParts) } : {}),
    statusCodes,
    errors,
    cutOff: tallies.reduce((total, t) => total + t.cutOff, 0),
    bytes: tallies.reduce((total, t) => total + t.bytes, 0),
    perSecond: densePerSecond(perSecond),
    durationMs: Math.max(0, ...tallies.map((t) => t.elapsedMs)),
    generators: tallies.length,
    pids: [...new Set(tallies.map((t) => t.pid))],
    ...(namedParts.length > 0 ? { named: mergeNamed(namedParts) } : {}),
  };
}

export async function runLoadInProcesses(spec: LoadSpec, processes: number, { onSecond, stop }: RunControl = {}): Promise<MergedLoad> {
  const shares = planShares(spec, processes);
  // One task per child: concurrencyPerWorker 1 keeps two loops from sharing a process.
  const executor = new ProcessPoolExecutor({ maxWorkers: shares.length, concurrencyPerWorker: 1 });
  const barrier = await StartBarrier.open(shares.length, onSecond);
  try {
    const task = fnRef(LOOP_TASK_MODULE, 'benchLoopTask');
    const results = shares.map((share) => executor.submit<EncodedLoadTally>(task, share, barrier.port).result());
    const tallies = Promise.all(results);
    // Handled below; until then a failure must not surface as an unhandled rejection.
    tallies.catch(() => {});
    try {
      // A child that fails before it is ready would leave the others waiting: its failure ends the wait.
      await Promise.race([barrier.allReady(READY_TIMEOUT_MS), tallies]);
    } catch (error) {
      // A terminal's Ctrl-C reaches children still starting, which die of it: the run goes on to its (empty) end.
      if (!stop?.aborted) throw error;
    }
    barrier.release();
    // A stop during start-up takes effect here: the children start, see the line closed, and return at once.
    const stopChildren = () => barrier.stop();
    if (stop?.aborted) stopChildren();
    stop?.addEventListener('abort', stopChildren, { once: true });
    try {
      return mergeTallies(await tallies);
    } catch (error) {
      if (!stop?.aborted) throw error;
      // Interrupted: the children that reported make the report; one the signal ended first has nothing to add.
      return mergeTallies((await Promise.allSettled(results)).flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])));
    } finally {
      stop?.removeEventListener('abort', stopChildren);
    }
  } finally {
    // After a failure this tells the other children to stop, so the error is reported now, not after their -d.
    await barrier.close();
    await executor.shutdown({ wait: true, cancelFutures: true });
  }
}
