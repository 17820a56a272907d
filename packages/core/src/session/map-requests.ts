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
import { addDoneWaiter, type Future, type IteratedFuture } from '../futures/future.js';
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
 * The map's iterator, written by hand rather than as an async generator: a
 * Future is thenable, and `yield` in an async generator would await it, so a
 * generator had to yield each future in a box and a second iterator unbox it.
 * Per input that cost two promises and three or four microtask turns more
 * than this (rf download, 5,000 small files: generateBoxes ~6% of the main
 * thread with what it submits).
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
  return new MapIterator(session, inputs, options) as unknown as AsyncIterableIterator<IteratedFuture<Future<Response>>>;
}

type Step = IteratorResult<Future<Response>, undefined>;
type Source = AsyncIterator<MapInput> | Iterator<MapInput>;

const finishedStep = (): Step => ({ done: true, value: undefined });

/**
 * Behaves as the async generator it replaces: nothing is pulled before the
 * first next(); calls made while one runs wait their turn, in order; after an
 * error or the end, next() says done; leaving early (return(), or an error)
 * cancels what was submitted and not yielded and closes the input, unless it
 * ended by itself (an input that threw is finished).
 */
class MapIterator {
  private readonly window: number;
  private readonly defaults: MapDefaults;
  private readonly ordered: boolean;
  private source: Source | undefined;
  /** Pulled and not yet yielded: what the window bounds. */
  private outstanding = 0;
  /** In input order (ordered mode only). */
  private readonly inOrder: Entry[] = [];
  /** Done and not yet yielded, in completion order (unordered mode only). */
  private readonly finished: Entry[] = [];
  /** Submitted and not yet yielded: cancelled if the consumer stops early. */
  private readonly submitted = new Set<Entry>();
  /** The input ended (or threw): it needs no closing. */
  private exhausted = false;
  /** Ended, failed or returned: every later next() is done. */
  private over = false;
  private wake: (() => void) | null = null;
  /** A next() or return() runs (from its call until just before its promise settles); later calls queue behind `tail`. */
  private busy = false;
  private tail: Promise<Step> | undefined;

  constructor(
    private readonly session: Requester,
    private readonly inputs: Iterable<MapInput> | AsyncIterable<MapInput>,
    options: MapRequestsOptions,
  ) {
    this.window = options.maxQueued ?? DEFAULT_WINDOW;
    this.defaults = mapDefaults(options);
    this.ordered = options.ordered ?? false;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<Step> {
    return this.inTurn(() => this.step());
  }

  return(): Promise<Step> {
    return this.inTurn(() => this.leave());
  }

  /** Runs `run` now if nothing runs, else after what was called before it has settled. */
  private inTurn(run: () => Promise<Step>): Promise<Step> {
    if (this.busy) {
      const later = () => this.inTurn(run);
      return this.tail!.then(later, later);
    }
    this.busy = true;
    return (this.tail = run());
  }

  private async step(): Promise<Step> {
    try {
      if (this.over) return finishedStep();
      const source = (this.source ??= openSource(this.inputs));
      while (!this.exhausted && this.outstanding < this.window) {
        let pulled: IteratorResult<MapInput>;
        try {
          pulled = await source.next();
        } catch (error) {
          this.exhausted = true; // an iterator that threw is finished
          throw error;
        }
        if (pulled.done) {
          this.exhausted = true;
          break;
        }
        this.take(toRequest(pulled.value, this.defaults));
      }
      if (this.outstanding === 0) {
        this.over = true;
        return finishedStep();
      }
      // Inline rather than a helper: an async helper would cost a promise and a turn per input.
      let next: Entry;
      if (this.ordered) {
        const head = this.inOrder[0]!;
        while (!head.future.done()) await this.changed();
        this.inOrder.shift();
        next = head;
      } else {
        while (this.finished.length === 0) await this.changed();
        next = this.finished.shift()!;
      }
      this.outstanding -= 1;
      this.submitted.delete(next);
      return { done: false, value: next.future };
    } catch (error) {
      await this.stop(true);
      throw error;
    } finally {
      this.busy = false;
    }
  }

  private async leave(): Promise<Step> {
    try {
      // Not started: there is nothing to cancel and the input was never opened (as a generator returned before its first next()).
      if (this.source === undefined) this.over = true;
      if (!this.over) await this.stop(false);
      return finishedStep();
    } finally {
      this.busy = false;
    }
  }

  /** What has not started (held ones too) is not wanted; the input is closed unless it ended. */
  private async stop(failing: boolean): Promise<void> {
    this.over = true;
    for (const entry of this.submitted) entry.future.cancel();
    if (this.exhausted) return;
    this.exhausted = true;
    try {
      await (this.source as { return?: () => unknown } | undefined)?.return?.();
    } catch (closeError) {
      // As in for-of: the error already propagating wins over one from closing.
      if (!failing) throw closeError;
    }
  }

  private take(args: RequestArgs): void {
    const entry: Entry = { future: this.session.request(...args) };
    this.outstanding += 1;
    this.submitted.add(entry);
    if (this.ordered) this.inOrder.push(entry);
    const onDone = () => {
      if (!this.ordered) this.finished.push(entry);
      const resume = this.wake;
      this.wake = null;
      resume?.();
    };
    // An internal waiter, as asCompleted uses, not a done callback: a done callback captures the caller's
    // async context (an AsyncResource per input, entered when it runs), which only resolving a promise needs not.
    if (entry.future.done()) onDone();
    else addDoneWaiter(entry.future, onDone);
  }

  private changed(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }
}

function openSource(inputs: Iterable<MapInput> | AsyncIterable<MapInput>): Source {
  return Symbol.asyncIterator in inputs ? (inputs as AsyncIterable<MapInput>)[Symbol.asyncIterator]() : (inputs as Iterable<MapInput>)[Symbol.iterator]();
}
