/** One load generator from start to end: open its client, wait for the start signal, run the loop, release the connections. */
import { openLoadClient } from './client.js';
import { runClosedLoop, type LoadTally } from './load-loop.js';
import type { LoadSpec } from './load-spec.js';

export interface RunLoadOptions {
  /**
   * Resolves when the load may start (the coordinator's start line), with a
   * signal that stops the loop early; the clock starts after it.
   */
  startSignal?: () => Promise<{ stop?: AbortSignal }>;
}

export async function runLoad(spec: LoadSpec, { startSignal }: RunLoadOptions = {}): Promise<LoadTally> {
  const client = await openLoadClient(spec);
  try {
    const { stop } = startSignal ? await startSignal() : {};
    return await runClosedLoop(spec, client.send, (error) => client.errorKind(error), stop);
  } finally {
    await client.close();
  }
}
