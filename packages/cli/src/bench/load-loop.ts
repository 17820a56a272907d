/**
 * The closed-loop load generator: `connections` virtual clients, each sending
 * its next request as soon as the previous one answered, until the request
 * budget or the time is used up. Latency is measured from send to settle.
 */
import { performance } from 'node:perf_hooks';
import { errorClassName } from '../util/format.js';
import type { SendRequest } from './client.js';
import { createLatencyHistogram, recordLatencyMs, type Histogram } from './histogram.js';

export interface LoadPlan {
  connections: number;
  requests?: number;
  durationMs?: number;
}

export interface LoadTally {
  /** Latency of every answered request (any status), microseconds. */
  histogram: Histogram;
  /** Answers by status code. */
  statusCodes: Record<string, number>;
  /** Requests that got no answer, by error kind. */
  errors: Record<string, number>;
  /** Monotonic milliseconds from the first send to the last settle: the loop's own measurement window. */
  elapsedMs: number;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** `stop`: once aborted, no new request starts (the ones in flight finish and are counted). */
export async function runClosedLoop(
  plan: LoadPlan,
  send: SendRequest,
  errorKind: (error: unknown) => string = errorClassName,
  stop?: AbortSignal,
): Promise<LoadTally> {
  const histogram = createLatencyHistogram();
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let ticketsLeft = plan.requests ?? Infinity;
  const startedAt = performance.now();
  const deadline = plan.durationMs === undefined ? Infinity : startedAt + plan.durationMs;

  // A ticket per request makes `-n` exact however the connections interleave.
  const takeTicket = () => {
    if (ticketsLeft <= 0 || performance.now() >= deadline || stop?.aborted) return false;
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
        increment(errors, errorKind(error));
      }
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, plan.connections) }, client));
  return { histogram, statusCodes, errors, elapsedMs: performance.now() - startedAt };
}
