/**
 * The task a child process runs under `rf bench --processes N`: one long task
 * per child that drives its share of the connections for the whole run (no
 * future, no serialization, no IPC message per request), then returns its
 * tally with the histogram encoded, since a Histogram instance cannot cross
 * processes. Submitted by reference: fnRef(LOOP_TASK_MODULE, 'benchLoopTask').
 */
import { encodeHistogram } from './histogram.js';
import type { LoadSpec } from './load-spec.js';
import { runLoad } from './run-load.js';
import { waitForStartSignal, type StartedRun } from './start-barrier.js';

export const LOOP_TASK_MODULE = import.meta.url;

export interface EncodedLoadTally {
  histogram: string;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
  /** From the start signal to this child's last answer, milliseconds. */
  elapsedMs: number;
  pid: number;
}

/**
 * `startPort`: the coordinator's StartBarrier, which this child joins once its
 * client is ready. Imports nothing of the engine: a child spends its start-up
 * on node:http and the histogram only.
 */
export async function benchLoopTask(spec: LoadSpec, startPort: number): Promise<EncodedLoadTally> {
  let run: StartedRun | undefined;
  try {
    const tally = await runLoad(spec, { startSignal: async () => (run = await waitForStartSignal(startPort)) });
    return { ...tally, histogram: encodeHistogram(tally.histogram), pid: process.pid };
  } finally {
    run?.leave();
  }
}
