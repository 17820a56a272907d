/**
 * `node:diagnostics_channel` events for every FuturesSession request, so that
 * tracing (OpenTelemetry, logs, metrics) attaches without patching the library.
 * One mutable `RequestDiagnostic` per request is published on each channel as
 * its life goes on, so a subscriber can key on the object (or its `id`).
 *
 * Nothing is allocated or published for a request made while no channel has a
 * subscriber. `start` is published synchronously inside `session.request()`,
 * in the caller's AsyncLocalStorage context (where a tracer finds its parent
 * span); the others where the event happens.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { addDoneWaiter, addRunningWaiter, type Future } from '../futures/future.js';

/** The channel names, stable and public. */
export const REQUEST_CHANNELS = {
  /** `session.request()` was called (the spec is built and checked). */
  start: 'requests-futures:request:start',
  /** Handed to the executor (after any perHostLimit hold). */
  queued: 'requests-futures:request:queued',
  /** The executor started it (in a process pool: a child accepted it). */
  running: 'requests-futures:request:running',
  /** Its future finished with a value (a Response, or what a hook returned). */
  done: 'requests-futures:request:done',
  /** Its future failed or was cancelled (`error` says which). */
  error: 'requests-futures:request:error',
} as const;

export type RequestChannelName = keyof typeof REQUEST_CHANNELS;

/** Times are epoch milliseconds with sub-millisecond fractions (performance.timeOrigin + performance.now()). */
export interface RequestDiagnostic {
  /** Unique in this process. */
  readonly id: number;
  readonly method: string;
  readonly url: string;
  /** The executor's class name, e.g. 'ThreadPoolExecutor'. */
  readonly executor: string;
  readonly crossesProcesses: boolean;
  /** The request's `meta` option. */
  readonly meta: unknown;
  readonly startTime: number;
  queuedTime?: number;
  runningTime?: number;
  endTime?: number;
  /** Set on `done` when the value is a response. */
  statusCode?: number;
  /** Set on `error`: the future's exception (a CancelledError when cancelled). */
  error?: unknown;
  /** Set at the end. */
  outcome?: 'done' | 'error' | 'cancelled';
}

const channels = {
  start: diagnosticsChannel.channel(REQUEST_CHANNELS.start),
  queued: diagnosticsChannel.channel(REQUEST_CHANNELS.queued),
  running: diagnosticsChannel.channel(REQUEST_CHANNELS.running),
  done: diagnosticsChannel.channel(REQUEST_CHANNELS.done),
  error: diagnosticsChannel.channel(REQUEST_CHANNELS.error),
};

let nextId = 1;

const now = (): number => performance.timeOrigin + performance.now();

function anySubscriber(): boolean {
  return channels.start.hasSubscribers || channels.queued.hasSubscribers || channels.running.hasSubscribers || channels.done.hasSubscribers || channels.error.hasSubscribers;
}

export interface RequestTrace {
  /** The request was handed to the executor, which returned `future`. */
  queued(future: Future<unknown>): void;
  /** The future `session.request()` returned: its end is the request's. */
  settlesWith(future: Future<unknown>): void;
}

/** Publishes `start` and returns the trace for the rest, or undefined when nobody listens. */
export function traceRequest(method: string, url: string, executor: { crossesProcesses: boolean }, meta: unknown): RequestTrace | undefined {
  if (!anySubscriber()) return undefined;
  const record: RequestDiagnostic = {
    id: nextId++,
    method,
    url,
    executor: executor.constructor?.name ?? 'Executor',
    crossesProcesses: executor.crossesProcesses,
    meta,
    startTime: now(),
  };
  channels.start.publish(record);
  return {
    queued(future) {
      record.queuedTime = now();
      channels.queued.publish(record);
      addRunningWaiter(future, () => {
        record.runningTime = now();
        channels.running.publish(record);
      });
    },
    settlesWith(future) {
      addDoneWaiter(future, () => end(record, future));
    },
  };
}

/** The end is timed when the future settles; its value or error is read a microtask later (result() is a promise). */
function end(record: RequestDiagnostic, future: Future<unknown>): void {
  record.endTime = now();
  future.result().then(
    (value) => {
      record.outcome = 'done';
      const statusCode = (value as { statusCode?: unknown } | null | undefined)?.statusCode;
      if (typeof statusCode === 'number') record.statusCode = statusCode;
      channels.done.publish(record);
    },
    (error: unknown) => {
      record.outcome = future.cancelled() ? 'cancelled' : 'error';
      record.error = error;
      channels.error.publish(record);
    },
  );
}
