/**
 * The task a ProcessPoolExecutor child runs for `map(fn, items, { chunksize })`:
 * one message carries `chunksize` items, as in Python's _process_chunk. Items
 * run one after another; the first failure ends the chunk (the map throws at
 * that position and wants nothing after it), but the results before it are
 * kept, which Python's list comprehension loses.
 */
import { loadFnRef, type FnRef } from '@requests-futures/serializer';
import { currentTask } from '../task-context.js';

export type ChunkOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export async function runChunk(fn: FnRef, items: readonly unknown[]): Promise<ChunkOutcome[]> {
  const task = await loadFnRef<(item: unknown) => unknown>(fn);
  const signal = currentTask()?.signal;
  const outcomes: ChunkOutcome[] = [];
  for (const item of items) {
    signal?.throwIfAborted();
    try {
      outcomes.push({ ok: true, value: await task(item) });
    } catch (error) {
      outcomes.push({ ok: false, error });
      break;
    }
  }
  return outcomes;
}
