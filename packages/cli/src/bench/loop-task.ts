/**
 * The task a child process runs under `rf bench --processes N`: one long task
 * per child that drives its share of the connections for the whole run (no
 * future, no serialization, no IPC message per request), then returns its
 * tally with the histograms encoded, since a Histogram instance cannot cross
 * processes. Submitted by reference: fnRef(LOOP_TASK_MODULE, 'benchLoopTask').
 */
import type { EncodedLatency } from './histogram.js';
import type { LoadSpec } from './load-spec.js';
import type { LoadTally } from './load-loop.js';
import { encodeNamed, type EncodedNamedTally } from './named-requests.js';
import { runLoad } from './run-load.js';
import { waitForStartSignal, type StartedRun } from './start-barrier.js';

export const LOOP_TASK_MODULE = import.meta.url;

export interface EncodedLoadTally extends Omit<LoadTally, 'latency' | 'uncorrected' | 'named'> {
  latency: EncodedLatency;
  uncorrected?: EncodedLatency;
  named?: Record<string, EncodedNamedTally>;
  pid: number;
}

export function encodeTally(tally: LoadTally, pid: number): EncodedLoadTally {
  const { latency, uncorrected, named, ...counts } = tally;
  return {
    ...counts,
    latency: latency.encode(),
    ...(uncorrected ? { uncorrected: uncorrected.encode() } : {}),
    ...(named ? { named: encodeNamed(named) } : {}),
    pid,
  };
}

/**
 * Ctrl-C on a terminal reaches the whole process group, this child included,
 * at the moment it reaches rf: the child then stops as its deadline would and
 * returns its tally, instead of dying with it (node's default) and taking the
 * partial report with it. The coordinator's hang-up stops it too; whichever
 * comes first. Only for the task's life: SIGTERM stays the pool's to end it.
 */
function stopOnInterrupt(): { signal: AbortSignal; dispose(): void } {
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort(new Error('interrupted (SIGINT)'));
  process.on('SIGINT', onSigint);
  return { signal: interrupt.signal, dispose: () => process.off('SIGINT', onSigint) };
}

/**
 * `startPort`: the coordinator's StartBarrier, which this child joins once its
 * client is ready, and which carries its progress lines back. Imports nothing
 * of the engine: a child spends its start-up on node:http and the histogram only.
 */
export async function benchLoopTask(spec: LoadSpec, startPort: number): Promise<EncodedLoadTally> {
  let run: StartedRun | undefined;
  const interrupt = stopOnInterrupt();
  try {
    const tally = await runLoad(spec, {
      startSignal: async () => {
        run = await waitForStartSignal(startPort);
        return { stop: AbortSignal.any([run.stop, interrupt.signal]) };
      },
      // The histogram so far, once a second: the coordinator merges the children's into the true p99 so far.
      onSecond: (progress, latency) => run?.report(progress, latency.encode()),
    });
    return encodeTally(tally, process.pid);
  } finally {
    interrupt.dispose();
    run?.leave();
  }
}
