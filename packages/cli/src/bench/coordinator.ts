/**
 * Runs a load either here or split across N child processes (one long loop
 * task each, through ProcessPoolExecutor), and merges the per-process tallies
 * into one. (`rf bench --redis`: fleet-coordinator.ts spreads it over rf
 * workers, each of which runs its share through these same two functions.)
 */
import { ProcessPoolExecutor, fnRef } from '@requests-futures/core';
import { addCounts } from './counts.js';
import { LatencyRecorder, type EncodedLatency } from './histogram.js';
import type { LoadSpec } from './load-spec.js';
import type { LoopProgress } from './load-loop.js';
import { LOOP_TASK_MODULE, type EncodedLoadTally } from './loop-task.js';
import { encodeNamed, mergeNamed, type EncodedNamedTally, type NamedTally } from './named-requests.js';
import { runLoad } from './run-load.js';
import { addPerSecond, densePerSecond } from './per-second.js';
import { StartBarrier } from './start-barrier.js';

/** Shares of a total as even as integers allow: split(10, 3) → [4, 3, 3]. */
export function splitEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

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
  /**
   * Called once every generator here is ready; the load starts when it
   * resolves. An rf worker waits there for the fleet's common start.
   */
  ready?: () => Promise<void>;
}

export async function runLoadInProcess(spec: LoadSpec, { onSecond, stop, ready }: RunControl = {}): Promise<MergedLoad> {
  const startSignal = async () => {
    await ready?.();
    return stop ? { stop } : {};
  };
  const { elapsedMs, ...tally } = await runLoad(spec, { ...(onSecond ? { onSecond } : {}), ...(stop || ready ? { startSignal } : {}) });
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
    // Interleaved numbering: with -n the children's iterations are 0..n-1 between them, each once. Composed with
    // the spec's own numbering, so a worker's share split again over its processes still numbers each iteration once.
    if (spec.scenario) {
      const { iterationOffset, iterationStride } = spec.scenario;
      share.scenario = { ...spec.scenario, iterationOffset: iterationOffset + i * iterationStride, iterationStride: iterationStride * count };
    }
    return share;
  });
}

/** A MergedLoad as plain data: what an rf worker sends back to `rf bench --redis`. */
export interface EncodedLoad extends Omit<MergedLoad, 'latency' | 'uncorrected' | 'named'> {
  latency: EncodedLatency;
  uncorrected?: EncodedLatency;
  named?: Record<string, EncodedNamedTally>;
}

export function encodeLoad(load: MergedLoad): EncodedLoad {
  const { latency, uncorrected, named, ...counts } = load;
  return { ...counts, latency: latency.encode(), ...(uncorrected ? { uncorrected: uncorrected.encode() } : {}), ...(named ? { named: encodeNamed(named) } : {}) };
}

function tallyAsLoad({ elapsedMs, pid, ...tally }: EncodedLoadTally): EncodedLoad {
  return { ...tally, durationMs: elapsedMs, generators: 1, pids: [pid] };
}

export function mergeTallies(tallies: EncodedLoadTally[]): MergedLoad {
  return mergeLoads(tallies.map(tallyAsLoad));
}

/** Loads that shared one start: counts add up, histograms merge (never their percentiles), the window is the longest. */
export function mergeLoads(parts: EncodedLoad[]): MergedLoad {
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const perSecond: number[] = [];
  for (const part of parts) {
    addCounts(statusCodes, part.statusCodes);
    addCounts(errors, part.errors);
    addPerSecond(perSecond, part.perSecond);
  }
  const uncorrectedParts = parts.flatMap((p) => (p.uncorrected ? [LatencyRecorder.decode(p.uncorrected)] : []));
  const namedParts = parts.flatMap((p) => (p.named ? [p.named] : []));
  return {
    latency: LatencyRecorder.merge(parts.map((p) => LatencyRecorder.decode(p.latency))),
    ...(uncorrectedParts.length > 0 ? { uncorrected: LatencyRecorder.merge(uncorrectedParts) } : {}),
    statusCodes,
    errors,
    cutOff: parts.reduce((total, p) => total + p.cutOff, 0),
    bytes: parts.reduce((total, p) => total + p.bytes, 0),
    perSecond: densePerSecond(perSecond),
    durationMs: Math.max(0, ...parts.map((p) => p.durationMs)),
    generators: parts.reduce((total, p) => total + p.generators, 0),
    pids: [...new Set(parts.flatMap((p) => p.pids))],
    ...(namedParts.length > 0 ? { named: mergeNamed(namedParts) } : {}),
  };
}

export async function runLoadInProcesses(spec: LoadSpec, processes: number, { onSecond, stop, ready }: RunControl = {}): Promise<MergedLoad> {
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
      await Promise.race([barrier.allReady(READY_TIMEOUT_MS).then(ready), tallies]);
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
