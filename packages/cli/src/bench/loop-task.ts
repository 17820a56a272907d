/**
 * The task a child process runs under `rf bench --processes N`: it loads the
 * target with its share of the connections and returns its tally with the
 * histogram encoded, since a Histogram instance cannot cross processes.
 * Submitted by reference: fnRef(LOOP_TASK_MODULE, 'benchLoopTask').
 */
import { encodeHistogram } from './histogram.js';
import type { LoadSpec } from './load-spec.js';
import { runSessionLoad } from './session-load.js';

export const LOOP_TASK_MODULE = import.meta.url;

export interface EncodedLoadTally {
  histogram: string;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
  startedAt: number;
  endedAt: number;
  pid: number;
}

export async function benchLoopTask(spec: LoadSpec): Promise<EncodedLoadTally> {
  const tally = await runSessionLoad(spec);
  return { ...tally, histogram: encodeHistogram(tally.histogram), pid: process.pid };
}
