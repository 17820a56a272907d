/**
 * The load generator's loop: `connections` virtual clients, each sending its
 * next request once the previous one settled, until the request budget or the
 * time is used up.
 *
 * Closed loop (no rate): a connection sends as soon as it is free; latency is
 * measured from send to settle. Constant rate (`rate`): request i is due at
 * start + i/rate, whichever connection takes it; latency is measured from that
 * intended time (coordinated omission corrected, as wrk2 does), so a server
 * stall shows in the latency of every request it delayed, not just of the few
 * in flight. The send-to-settle latency is kept beside it ("uncorrected").
 *
 * At the end of the duration the loop returns at once: requests still in
 * flight are counted as cut off, never as answers or errors (the caller then
 * closes the client, which aborts them).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorClassName } from '../util/format.js';
import type { SendRequest } from './client.js';
import { increment } from './counts.js';
import { LatencyRecorder, progressP99Ms } from './histogram.js';
import type { NamedTally } from './named-requests.js';
import { countInSecond, densePerSecond } from './per-second.js';

export interface LoadPlan {
  connections: number;
  requests?: number;
  durationMs?: number;
  /** Requests per second this loop sends (constant-rate mode); absent: closed loop. */
  rate?: number;
}

/** What the loop drives: a client's send, how its errors are named, and how many bytes it read. */
export interface LoopTarget {
  send: SendRequest;
  errorKind?: (error: unknown) => string;
  /** Bytes read from the network so far (any monotonic counter); absent: bytes are not counted. */
  bytesRead?: () => number;
  /** Called the moment the loop ends, before anything still in flight can settle (a scenario stops counting its requests). */
  onEnd?: () => void;
}

/** Once a second while the loop runs. */
export interface LoopProgress {
  elapsedMs: number;
  /** Requests finished (answered or failed) so far, and in the last second. */
  requests: number;
  lastSecond: number;
  errors: number;
  /** Of the latency recorded so far (corrected in rate mode), milliseconds. */
  p99Ms: number;
}

/** Once a second: the progress, and the latency recorded so far (live: read it now, it keeps filling). */
export type SecondListener = (progress: LoopProgress, latency: LatencyRecorder) => void;

export interface LoopHooks {
  /** Once aborted, the loop ends as at its deadline. */
  stop?: AbortSignal;
  onSecond?: SecondListener;
}

export interface LoadTally {
  /** Latency of every answered request (any status): from the intended send time in rate mode, from the send otherwise. */
  latency: LatencyRecorder;
  /** Rate mode only: from the actual send, which hides the time a request waited for a free connection. */
  uncorrected?: LatencyRecorder;
  /** Answers by status code. */
  statusCodes: Record<string, number>;
  /** Requests that got no answer, by error kind. */
  errors: Record<string, number>;
  /** Requests in flight when the run ended: neither answers nor errors. */
  cutOff: number;
  /** Bytes read during the run (headers included), 0 when the client does not count them. */
  bytes: number;
  /** Requests finished in each second of the run, from its start. */
  perSecond: number[];
  /** Monotonic milliseconds from the start to the end (deadline, stop, or last settle). */
  elapsedMs: number;
  /** A scenario's requests by name (the loop itself counts iterations). */
  named?: Record<string, NamedTally>;
}

export async function runLoadLoop(plan: LoadPlan, target: LoopTarget, hooks: LoopHooks = {}): Promise<LoadTally> {
  const { send, errorKind = errorClassName } = target;
  const { stop, onSecond } = hooks;
  const latency = new LatencyRecorder();
  const uncorrected = plan.rate === undefined ? undefined : new LatencyRecorder();
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const perSecond: number[] = [];
  let finished = 0;
  let errorCount = 0;
  let cutOff = 0;
  let inFlight = 0;
  let ended = false;
  let ticketsTaken = 0;
  const budget = plan.requests ?? Infinity;
  const interval = plan.rate === undefined ? 0 : 1000 / plan.rate;
  const startedAt = performance.now();
  const deadline = plan.durationMs === undefined ? Infinity : startedAt + plan.durationMs;
  const bytesAtStart = target.bytesRead?.() ?? 0;

  // A ticket per request makes `-n` exact however the connections interleave; in rate mode it carries its due time.
  const takeTicket = (): { index: number; due: number } | undefined => {
    if (ended || ticketsTaken >= budget || stop?.aborted) return undefined;
    const due = interval === 0 ? performance.now() : startedAt + ticketsTaken * interval;
    if (due >= deadline) return undefined;
    ticketsTaken += 1;
    return { index: ticketsTaken - 1, due };
  };

  const countFinished = (now: number) => {
    finished += 1;
    countInSecond(perSecond, now - startedAt);
  };

  const connection = async () => {
    for (let ticket = takeTicket(); ticket !== undefined; ticket = takeTicket()) {
      const { index, due } = ticket;
      if (interval > 0) {
        const wait = due - performance.now();
        if (wait >= 1) await sleep(wait);
        if (ended) return;
      }
      const sentAt = performance.now();
      inFlight += 1;
      let statusCode: number | string | undefined;
      let failure: unknown;
      try {
        statusCode = (await send(index)).statusCode;
      } catch (error) {
        failure = error ?? new Error('request failed without an error');
      }
      inFlight -= 1;
      // Already counted as cut off when the loop ended.
      if (ended) return;
      const now = performance.now();
      // Settled after the deadline, before the end-of-run timer fired: in flight at the end all the same.
      if (now > deadline) {
        cutOff += 1;
        return;
      }
      countFinished(now);
      if (statusCode === undefined) {
        errorCount += 1;
        increment(errors, errorKind(failure));
        continue;
      }
      latency.recordMs(now - due);
      uncorrected?.recordMs(now - sentAt);
      increment(statusCodes, String(statusCode));
    }
  };

  const ticker =
    onSecond &&
    setInterval(() => {
      const elapsedMs = performance.now() - startedAt;
      const lastSecond = perSecond[Math.floor(elapsedMs / 1000) - 1] ?? 0;
      onSecond({ elapsedMs, requests: finished, lastSecond, errors: errorCount, p99Ms: progressP99Ms(latency) }, latency);
    }, 1000);

  let endTimer: NodeJS.Timeout | undefined;
  let onStop: (() => void) | undefined;
  const endOfRun = new Promise<void>((resolve) => {
    // Timers may fire a fraction of a millisecond early by this clock: re-armed until the deadline really passed.
    const armEndTimer = () => {
      const left = deadline - performance.now();
      if (left <= 0) resolve();
      else endTimer = setTimeout(armEndTimer, Math.ceil(left));
    };
    if (deadline !== Infinity) armEndTimer();
    if (stop) {
      onStop = resolve;
      if (stop.aborted) resolve();
      else stop.addEventListener('abort', onStop, { once: true });
    }
  });
  const connections = Promise.all(Array.from({ length: Math.max(1, plan.connections) }, connection));
  // A timed run lasts its duration even when its last due request was answered early (rate mode), so per-second figures cover it all.
  await Promise.race([deadline === Infinity ? connections : connections.then(() => endOfRun), endOfRun]);
  ended = true;
  target.onEnd?.();
  const endedAt = performance.now();
  cutOff += inFlight;
  clearTimeout(endTimer);
  if (ticker) clearInterval(ticker);
  if (stop && onStop) stop.removeEventListener('abort', onStop);

  const elapsedMs = endedAt - startedAt;
  const dense = densePerSecond(perSecond, Math.max(1, Math.ceil(elapsedMs / 1000)));
  return {
    latency,
    ...(uncorrected ? { uncorrected } : {}),
    statusCodes,
    errors,
    cutOff,
    bytes: (target.bytesRead?.() ?? 0) - bytesAtStart,
    perSecond: dense,
    elapsedMs,
  };
}
