/**
 * session.map: many requests from a lazy source with bounded memory. The
 * input is pulled only while fewer than `maxQueued` inputs are pulled and not
 * yet handed to the consumer (requests in flight, finished ones waiting to be
 * yielded, and inputs held back for their host, all together): a million URLs
 * read from a file cost the coordinator the window, not the file.
 *
 * perHostLimit: at most N requests of this map in flight per origin, held by
 * the session's per-origin limiter (host-limiter.ts; the requester passed here
 * goes through it). An input whose host is saturated gets a held future at once
 * and waits there (inside the window) while the map keeps pulling and starting
 * inputs for other hosts; it starts as soon as one of its host's requests
 * finishes, in input order per host.
 */
import type { Future, IteratedFuture } from '../futures/future.js';
import type { Response } from '../http/response.js';
import type { RequestOptions } from './options.js';
import { isUrlObject, urlArgument, validatePositiveInteger } from './validate.js';

export type MapInput = string | URL | ({ url: string | URL; method?: string } & RequestOptions);

export interface MapRequestsOptions extends RequestOptions {
  method?: string;
  /** Inputs pulled and not yet yielded, at most. Default: the session's maxQueued. */
  maxQueued?: number;
  /** Yield in input order instead of completion order. */
  ordered?: boolean;
  /** Requests of this map in flight per origin (scheme://host:port), at most. Default: the session's perHostLimit (none). */
  perHostLimit?: number | null;
}

interface Requester {
  request(method: string, url: string, options?: RequestOptions): Future<Response>;
}

type RequestArgs = [method: string, url: string, options: RequestOptions];

/** One pulled input, from the pull until it is yielded. */
interface Entry {
  /** The request (held by the requester while its host is saturated). */
  readonly future: Future<Response>;
}

const DEFAULT_WINDOW = 16;

/** What every input of one map shares: its default method and request options (split once per map, not per input). */
interface MapDefaults {
  method: string;
  shared: RequestOptions;
  /** shared has no keys: an input's own options are passed as they are. */
  none: boolean;
}

function mapDefaults(options: MapRequestsOptions): MapDefaults {
  const { method = 'GET', maxQueued: _q, ordered: _o, perHostLimit: _h, ...shared } = options;
  return { method, shared, none: Object.keys(shared).length === 0 };
}

function toRequest(input: MapInput, defaults: MapDefaults): RequestArgs {
  const { method, shared } = defaults;
  if (typeof input === 'string' || isUrlObject(input)) return [method, urlArgument(input), { ...shared }];
  if (typeof input !== 'object' || input === null || !(typeof input.url === 'string' || isUrlObject(input.url))) {
    throw new TypeError(`session.map input must be a URL (a string or a URL object) or { url, ...options }, got ${JSON.stringify(input)}`);
  }
  const { url, method: itemMethod, ...own } = input;
  return [itemMethod ?? method, urlArgument(url), defaults.none ? own : { ...shared, ...own }];
}

/**
 * A Future is thenable, and `yield` in an async generator would await it: the
 * generator yields each future in a box, and this iterator unboxes it.
 * `session` applies perHostLimit (FuturesSession.map passes a requester that goes through its limiter).
 * @throws RangeError at once for a bad maxQueued; TypeError for inputs that are not iterable.
 */
export function mapRequests(
  session: Requester,
  inputs: Iterable<MapInput> | AsyncIterable<MapInput>,
  options: MapRequestsOptions,
): AsyncIterableIterator<IteratedFuture<Future<Response>>> {
  validatePositiveInteger(options.maxQueued, 'maxQueued');
  const isIterable = inputs !== null && typeof inputs === 'object' && (Symbol.asyncIterator in inputs || Symbol.iterator in inputs);
  if (!isIterable) throw new TypeError('session.map(inputs): inputs must be an Iterable or AsyncIterable of URLs or { url, ...options }');
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
  const window = options.maxQueued ?? DEFAULT_WINDOW;
  const defaults = mapDefaults(options);
  const ordered = options.ordered ?? false;
  const source = Symbol.asyncIterator in inputs
    ? (inputs as AsyncIterable<MapInput>)[Symbol.asyncIterator]()
    : (inputs as Iterable<MapInput>)[Symbol.iterator]();

  /** Pulled and not yet yielded: what the window bounds. */
  let outstanding = 0;
  /** In input order (ordered mode only). */
  const inOrder: Entry[] = [];
  /** Done and not yet yielded, in completion order (unordered mode only). */
  const finished: Entry[] = [];
  /** Submitted and not yet yielded: cancelled if the consumer stops early. */
  const submitted = new Set<Entry>();
  /** The input ended (or threw): it needs no closing. */
  let exhausted = false;
  let failing = false;
  let wake: (() => void) | null = null;

  const changed = () => new Promise<void>((resolve) => (wake = resolve));

  const take = (args: RequestArgs) => {
    const entry: Entry = { future: session.request(...args) };
    outstanding += 1;
    submitted.add(entry);
    if (ordered) inOrder.push(entry);
    entry.future.addDoneCallback(() => {
      if (!ordered) finished.push(entry);
      const resume = wake;
      wake = null;
      resume?.();
    });
  };

  const until = async (ready: () => boolean) => {
    while (!ready()) await changed();
  };

  try {
    for (;;) {
      while (!exhausted && outstanding < window) {
        let step: IteratorResult<MapInput>;
        try {
          step = await source.next();
        } catch (error) {
          exhausted = true; // an iterator that threw is finished
          throw error;
        }
        if (step.done) {
          exhausted = true;
          break;
        }
        take(toRequest(step.value, defaults));
      }
      if (outstanding === 0) return;
      let next: Entry;
      if (ordered) {
        const head = inOrder[0]!;
        await until(() => head.future.done());
        inOrder.shift();
        next = head;
      } else {
        await until(() => finished.length > 0);
        next = finished.shift()!;
      }
      outstanding -= 1;
      submitted.delete(next);
      yield { future: next.future };
    }
  } catch (error) {
    failing = true;
    throw error;
  } finally {
    // The consumer stopped early (or an input was refused): what has not started (held ones too) is not wanted.
    for (const entry of submitted) entry.future.cancel();
    if (!exhausted) {
      try {
        await (source as { return?: () => unknown }).return?.();
      } catch (closeError) {
        // As in for-of: the error already propagating wins over one from closing.
        if (!failing) throw closeError;
      }
    }
  }
}
