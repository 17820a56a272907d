/**
 * session.map: many requests from a lazy source with bounded memory. The
 * input is pulled only while fewer than `maxQueued` inputs are pulled and not
 * yet handed to the consumer (requests in flight, finished ones waiting to be
 * yielded, and inputs held back for their host, all together): a million URLs
 * read from a file cost the coordinator the window, not the file.
 *
 * perHostLimit: at most N requests of this map in flight per origin. An input
 * whose host is saturated waits in a side buffer (inside the window) while the
 * map keeps pulling and starting inputs for other hosts; it starts as soon as
 * one of its host's requests finishes, in input order per host.
 */
import type { Future, IteratedFuture } from '../futures/future.js';
import type { Response } from '../http/response.js';
import type { RequestOptions } from './options.js';
import { originOf } from './origin.js';
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
  readonly args: RequestArgs;
  readonly origin: string;
  /** Set once the request is submitted; unset while held back for its host. */
  future: Future<Response> | undefined;
}

const DEFAULT_WINDOW = 16;

function toRequest(input: MapInput, defaults: MapRequestsOptions): RequestArgs {
  const { method = 'GET', maxQueued: _q, ordered: _o, perHostLimit: _h, ...shared } = defaults;
  if (typeof input === 'string' || isUrlObject(input)) return [method, urlArgument(input), shared];
  if (typeof input !== 'object' || input === null || !(typeof input.url === 'string' || isUrlObject(input.url))) {
    throw new TypeError(`session.map input must be a URL (a string or a URL object) or { url, ...options }, got ${JSON.stringify(input)}`);
  }
  const { url, method: itemMethod, ...own } = input;
  return [itemMethod ?? method, urlArgument(url), { ...shared, ...own }];
}

/**
 * A Future is thenable, and `yield` in an async generator would await it: the
 * generator yields each future in a box, and this iterator unboxes it.
 * @throws RangeError at once for a bad maxQueued or perHostLimit; TypeError for inputs that are not iterable.
 */
export function mapRequests(
  session: Requester,
  inputs: Iterable<MapInput> | AsyncIterable<MapInput>,
  options: MapRequestsOptions,
): AsyncIterableIterator<IteratedFuture<Future<Response>>> {
  validatePositiveInteger(options.maxQueued, 'maxQueued');
  if (options.perHostLimit !== null) validatePositiveInteger(options.perHostLimit, 'perHostLimit');
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
  const perHost = options.perHostLimit ?? Infinity;
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
  /** Held back for a saturated host, FIFO per origin. */
  const held = new Map<string, Entry[]>();
  /** Submitted and not done, per origin. */
  const inFlight = new Map<string, number>();
  /** The input ended (or threw): it needs no closing. */
  let exhausted = false;
  let failing = false;
  let wake: (() => void) | null = null;

  const hasRoom = (origin: string) => (inFlight.get(origin) ?? 0) < perHost;
  const changed = () => new Promise<void>((resolve) => (wake = resolve));

  const submit = (entry: Entry) => {
    const future = session.request(...entry.args);
    entry.future = future;
    submitted.add(entry);
    inFlight.set(entry.origin, (inFlight.get(entry.origin) ?? 0) + 1);
    future.addDoneCallback(() => {
      inFlight.set(entry.origin, inFlight.get(entry.origin)! - 1);
      if (!ordered) finished.push(entry);
      const resume = wake;
      wake = null;
      resume?.();
    });
  };

  /** Starts what was held for hosts that have room again. */
  const submitHeld = () => {
    for (const [origin, queue] of held) {
      while (queue.length > 0 && hasRoom(origin)) submit(queue.shift()!);
      if (queue.length === 0) held.delete(origin);
    }
  };

  const take = (entry: Entry) => {
    outstanding += 1;
    if (ordered) inOrder.push(entry);
    // Behind inputs already held for its host, an input waits its turn even if a slot is free.
    if (hasRoom(entry.origin) && !held.has(entry.origin)) {
      submit(entry);
      return;
    }
    let queue = held.get(entry.origin);
    if (!queue) held.set(entry.origin, (queue = []));
    queue.push(entry);
  };

  /**
   * Waits until `ready()`, starting held inputs whenever a request finishes
   * (their host may have room). It starts them first, too: a request may have
   * finished while the input was being read, with nobody waiting to hear it.
   * After submitHeld() every held input's host has a request in flight, so a
   * change is always coming.
   */
  const until = async (ready: () => boolean) => {
    submitHeld();
    while (!ready()) {
      await changed();
      submitHeld();
    }
  };

  try {
    for (;;) {
      submitHeld();
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
        const args = toRequest(step.value, options);
        take({ args, origin: originOf(args[1]), future: undefined });
      }
      if (outstanding === 0) return;
      let next: Entry;
      if (ordered) {
        const head = inOrder[0]!;
        await until(() => head.future?.done() === true);
        inOrder.shift();
        next = head;
      } else {
        await until(() => finished.length > 0);
        next = finished.shift()!;
      }
      outstanding -= 1;
      submitted.delete(next);
      yield { future: next.future! };
    }
  } catch (error) {
    failing = true;
    throw error;
  } finally {
    // The consumer stopped early (or an input was refused): what has not started is not wanted.
    held.clear();
    for (const entry of submitted) entry.future!.cancel();
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
