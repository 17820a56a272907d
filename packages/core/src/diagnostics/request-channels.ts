/**
 * `node:diagnostics_channel` events for every request of a FuturesSession or
 * a plain Session, so that tracing (OpenTelemetry, logs, metrics) attaches
 * without patching the library.
 * One mutable `RequestDiagnostic` per request is published on each channel as
 * its life goes on, so a subscriber can key on the object (or its `id`).
 *
 * Nothing is allocated or published for a request made while no channel has a
 * subscriber. `start` is published synchronously inside `session.request()`,
 * in the caller's AsyncLocalStorage context (where a tracer finds its parent
 * span); the others where the event happens.
 */
import type { Future } from '../futures/future.js';
import { LifecycleChannels, now, type LifecycleRecord } from './lifecycle.js';

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
export interface RequestDiagnostic extends LifecycleRecord {
  /** Unique in this process. */
  readonly id: number;
  readonly method: string;
  readonly url: string;
  /** The executor's class name, e.g. 'ThreadPoolExecutor'; 'Session' for the plain Session (no executor). */
  readonly executor: string;
  readonly crossesProcesses: boolean;
  /** The request's `meta` option. */
  readonly meta: unknown;
  /** Set on `done` when the value is a response. */
  statusCode?: number;
}

const channels = new LifecycleChannels<RequestDiagnostic>(REQUEST_CHANNELS);

let nextId = 1;

export interface RequestTrace {
  /** The request was handed to the executor, which returned `future`. */
  queued(future: Future<unknown>): void;
  /** The future `session.request()` returned: its end is the request's. */
  settlesWith(future: Future<unknown>): void;
}

function startRecord(method: string, url: string, executor: string, crossesProcesses: boolean, meta: unknown): RequestDiagnostic {
  const record: RequestDiagnostic = { id: nextId++, method, url, executor, crossesProcesses, meta, startTime: now() };
  channels.start(record);
  return record;
}

function recordStatus(record: RequestDiagnostic): (value: unknown) => void {
  return (value) => {
    const statusCode = (value as { statusCode?: unknown } | null | undefined)?.statusCode;
    if (typeof statusCode === 'number') record.statusCode = statusCode;
  };
}

/** Publishes `start` and returns the trace for the rest, or undefined when nobody listens. */
export function traceRequest(method: string, url: string, executor: { crossesProcesses: boolean }, meta: unknown): RequestTrace | undefined {
  if (!channels.listened) return undefined;
  const record = startRecord(method, url, executor.constructor?.name ?? 'Executor', executor.crossesProcesses, meta);
  return {
    queued(future) {
      channels.queued(record);
      channels.runningWith(record, future);
    },
    settlesWith(future) {
      channels.endsWith(record, future, recordStatus(record));
    },
  };
}

/**
 * The plain Session's request: it runs at once in the caller's process, so
 * `start`, `queued` and `running` are published together, inside
 * `session.request()`; `done` or `error` when its promise settles.
 */
export function traceSessionRequest(method: string, url: string, meta: unknown, run: () => Promise<unknown>): Promise<unknown> {
  if (!channels.listened) return run();
  const record = startRecord(method, url, 'Session', false, meta);
  channels.queued(record);
  channels.running(record);
  const promise = run();
  channels.endsWithPromise(record, promise, recordStatus(record));
  return promise;
}
