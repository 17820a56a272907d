/** Coordinator side of chunked map(): the items grouped for runChunk, and its outcomes spread back out in order. */
import type { ChunkOutcome } from './run-chunk.js';

export async function* chunked<T>(iterable: Iterable<T> | AsyncIterable<T>, size: number): AsyncGenerator<T[], void, undefined> {
  let chunk: T[] = [];
  for await (const item of iterable) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Yields each item's result; a failed item's error is thrown at its position. Stopping early closes `chunks` (which cancels what has not started). */
export async function* unchunked<R>(chunks: AsyncIterable<readonly ChunkOutcome[]>): AsyncGenerator<R, void, undefined> {
  for await (const outcomes of chunks) {
    for (const outcome of outcomes) {
      if (!outcome.ok) throw outcome.error;
      yield outcome.value as R;
    }
  }
}
