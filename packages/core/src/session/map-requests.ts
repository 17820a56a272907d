/**
 * session.map: many requests from a lazy source with bounded memory. At most
 * `maxQueued` futures exist at once; a million URLs read from a file cost the
 * coordinator the window, not the file.
 */
import type { Future, IteratedFuture } from '../futures/future.js';
import type { Response } from '../http/response.js';
import type { RequestOptions } from './options.js';

export type MapInput = string | ({ url: string; method?: string } & RequestOptions);

export interface MapRequestsOptions extends RequestOptions {
  method?: string;
  /** Futures outstanding at most. Default: the session's maxQueued. */
  maxQueued?: number;
  /** Yield in input order instead of completion order. */
  ordered?: boolean;
}

interface Requester {
  request(method: string, url: string, options?: RequestOptions): Future<Response>;
}

function toRequest(input: MapInput, defaults: MapRequestsOptions): [string, string, RequestOptions] {
  const { method = 'GET', maxQueued: _q, ordered: _o, ...shared } = defaults;
  if (typeof input === 'string') return [method, input, shared];
  if (typeof input !== 'object' || input === null || typeof input.url !== 'string') {
    throw new TypeError(`session.map input must be a URL string or { url, ...options }, got ${JSON.stringify(input)}`);
  }
  const { url, method: itemMethod, ...own } = input;
  return [itemMethod ?? method, url, { ...shared, ...own }];
}

/**
 * A Future is thenable, and `yield` in an async generator would await it: the
 * generator yields each future in a box, and this iterator unboxes it.
 */
export function mapRequests(
  session: Requester,
  inputs: Iterable<MapInput> | AsyncIterable<MapInput>,
  options: MapRequestsOptions,
): AsyncIterableIterator<IteratedFuture<Future<Response>>> {
  const boxes = generateBoxes(session, inputs, options);
  const iterator: AsyncIterableIterator<Future<Response>> = {
    [Symbol.asyncIterator]: () => iterator,
    next: async () => {
      const step = await boxes.next();
      return step.done ? { done: true, value: undefined } : { done: false, value: step.value.future };
    },
    return: async () => {
      await boxes.return(undefined);
      return { done: true, value: undefined };
    },
  };
  return iterator as AsyncIterableIterator<IteratedFuture<Future<Response>>>;
}

async function* generateBoxes(
  session: Requester,
  inputs: Iterable<MapInput> | AsyncIterable<MapInput>,
  options: MapRequestsOptions,
): AsyncGenerator<{ future: Future<Response> }> {
  const window = options.maxQueued ?? 16;
  const iterator = Symbol.asyncIterator in inputs
    ? (inputs as AsyncIterable<MapInput>)[Symbol.asyncIterator]()
    : (inputs as Iterable<MapInput>)[Symbol.iterator]();
  const pending: Future<Response>[] = [];
  const finished = new Set<Future<Response>>();
  let wake: (() => void) | null = null;
  let exhausted = false;

  const launch = (future: Future<Response>) => {
    pending.push(future);
    future.addDoneCallback(() => {
      if (pending.includes(future)) finished.add(future);
      wake?.();
    });
  };

  try {
    while (true) {
      while (!exhausted && pending.length < window) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        launch(session.request(...toRequest(next.value, options)));
      }
      if (pending.length === 0) return;
      if (options.ordered) {
        const head = pending[0];
        if (!head.done()) await new Promise<void>((resolve) => head.addDoneCallback(() => resolve()));
        pending.shift();
        finished.delete(head);
        yield { future: head };
        continue;
      }
      if (finished.size === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      const [done] = finished;
      finished.delete(done);
      pending.splice(pending.indexOf(done), 1);
      yield { future: done };
    }
  } finally {
    // The consumer stopped early: what has not started is not wanted.
    for (const future of pending) future.cancel();
    await (iterator as { return?: () => unknown }).return?.();
  }
}
