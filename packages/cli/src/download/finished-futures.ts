/**
 * Requests from a lazy source, at most `window` outstanding, handed out as
 * they finish. This is what `session.map` is specified to do; it stands in
 * for it because core's map is an async generator that `yield`s the Future
 * itself, and an async generator awaits a yielded thenable: the consumer got
 * the Response instead of the future (no `meta`), and the first failed
 * download ended the whole iteration. Here each future travels in a box.
 * Swap back to `session.map` once core yields futures.
 */
import type { Future, MapInput, RequestOptions, Response } from '@requests-futures/core';

interface Requester {
  request(method: string, url: string, options?: RequestOptions): Future<Response>;
}

export interface FinishedFuture {
  future: Future<Response>;
}

function startRequest(session: Requester, input: MapInput): Future<Response> {
  if (typeof input === 'string') return session.request('GET', input);
  const { url, method = 'GET', ...options } = input;
  return session.request(method, url, options);
}

export async function* finishedFutures(
  session: Requester,
  inputs: AsyncIterable<MapInput>,
  window: number,
): AsyncGenerator<FinishedFuture> {
  const iterator = inputs[Symbol.asyncIterator]();
  const running = new Set<Future<Response>>();
  const finished: Future<Response>[] = [];
  let wake: (() => void) | null = null;
  let exhausted = false;
  try {
    for (;;) {
      // Finished-but-unconsumed futures count too: a slow consumer must slow the reading.
      while (!exhausted && running.size + finished.length < window) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const future = startRequest(session, next.value);
        running.add(future);
        future.addDoneCallback(() => {
          running.delete(future);
          finished.push(future);
          wake?.();
        });
      }
      const future = finished.shift();
      if (future) {
        yield { future };
        continue;
      }
      if (running.size === 0) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } finally {
    // The consumer stopped early (an error, an interrupt): what has not started is not wanted.
    for (const future of running) future.cancel();
    await iterator.return?.();
  }
}
