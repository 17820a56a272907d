/**
 * The closed-loop load generator: `connections` virtual clients, each sending
 * its next request as soon as the previous one answered, until the request
 * budget or the time is used up. Latency is measured from send to settle.
 */
import { performance } from 'node:perf_hooks';
import { errorClassName } from '../util/format.js';
import { createLatencyHistogram, recordLatencyMs, type Histogram } from './histogram.js';

export interface LoadPlan {
  connections: number;
  requests?: number;
  durationMs?: number;
}

/** Sends one request; resolves with the response (any status) or rejects with the request's error. */
export type SendRequest = () => PromiseLike<{ statusCode: number }>;

export interface LoadTally {
  /** Latency of every answered request (any status), microseconds. */
  histogram: Histogram;
  /** Answers by status code. */
  statusCodes: Record<string, number>;
  /** Requests that got no answer, by error class name. */
  errors: Record<string, number>;
  /** Wall clock (ms since the epoch, sub-ms precision) of the first send and the last answer: comparable across processes. */
  startedAt: number;
  endedAt: number;
}

const wallClockMs = () => performance.timeOrigin + performance.now();

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export async function runClosedLoop(plan: LoadPlan, send: SendRequest): Promise<LoadTally> {
  const histogram = createLatencyHistogram();
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let ticketsLeft = plan.requests ?? Infinity;
  const startedAt = wallClockMs();
  const deadline = plan.durationMs === undefined ? Infinity : performance.now() + plan.durationMs;

  // A ticket per request makes `-n` exact however the connections interleave.
  const takeTicket = () => {
    if (ticketsLeft <= 0 || performance.now() >= deadline) return false;
    ticketsLeft -= 1;
    return true;
  };

  const client = async () => {
    while (takeTicket()) {
      const sentAt = performance.now();
      try {
        const response = await send();
        recordLatencyMs(histogram, performance.now() - sentAt);
        increment(statusCodes, String(response.statusCode));
      } catch (error) {
        increment(errors, errorClassName(error));
      }
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, plan.connections) }, client));
  return { histogram, statusCodes, errors, startedAt, endedAt: wallClockMs() };
}
