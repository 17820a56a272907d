/** One load generator from start to end: open its client, wait for the start signal, warm up, run the loop, release the connections. */
import { openLoadClient } from './client.js';
import { runLoadLoop, type LoadTally, type SecondListener } from './load-loop.js';
import type { LoadSpec } from './load-spec.js';

export interface RunLoadOptions {
  /**
   * Resolves when the load may start (the coordinator's start line), with a
   * signal that stops the loop early; the clock starts after it.
   */
  startSignal?: () => Promise<{ stop?: AbortSignal }>;
  /** Once a second of the counted run (not of the warm-up). */
  onSecond?: SecondListener;
}

export async function runLoad(spec: LoadSpec, { startSignal, onSecond }: RunLoadOptions = {}): Promise<LoadTally> {
  const client = await openLoadClient(spec);
  try {
    const { stop } = startSignal ? await startSignal() : {};
    const target = { send: client.send, errorKind: (error: unknown) => client.errorKind(error), bytesRead: client.bytesRead?.bind(client) };
    if (spec.warmupMs !== undefined && spec.warmupMs > 0) {
      // Same connections and rate, nothing kept: requests cut off at its end finish during the run and are not counted either.
      const { rate, connections } = spec;
      await runLoadLoop({ connections, durationMs: spec.warmupMs, ...(rate === undefined ? {} : { rate }) }, target, stop ? { stop } : {});
    }
    client.startCounting?.(spec.durationMs);
    const onEnd = client.stopCounting?.bind(client);
    const tally = await runLoadLoop(spec, { ...target, ...(onEnd ? { onEnd } : {}) }, { ...(stop ? { stop } : {}), ...(onSecond ? { onSecond } : {}) });
    const named = client.named?.();
    return named ? { ...tally, named } : tally;
  } finally {
    await client.close();
  }
}
