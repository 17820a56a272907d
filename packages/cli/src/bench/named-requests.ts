/**
 * Statistics per named request of a scenario (`--script`): each request an
 * iteration makes is counted under its name, with its own latency histogram,
 * status codes and errors. A request counts only when it started and settled
 * inside the counted run: warm-up stragglers and requests aborted at the end
 * belong to neither.
 */
import { performance } from 'node:perf_hooks';
import { errorClassName } from '../util/format.js';
import { addCounts, increment, sumCounts } from './counts.js';
import { LatencyRecorder, summarizeLatency, type EncodedLatency, type LatencySummary } from './histogram.js';

export interface NamedTally {
  latency: LatencyRecorder;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
}

/** A NamedTally as plain data (crosses processes). */
export interface EncodedNamedTally {
  latency: EncodedLatency;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
}

/** One name's figures in the report. */
export interface NamedRequestSummary {
  /** Answers + errors. */
  requests: number;
  responses: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
}

const emptyTally = (): NamedTally => ({ latency: new LatencyRecorder(), statusCodes: {}, errors: {} });

export class NamedRequestLog {
  private tallies = new Map<string, NamedTally>();
  /** Bumped by start(): a request started in an earlier window is not counted in this one. */
  private window = 0;
  private counting = false;

  /** Counting starts afresh (after the warm-up). */
  start(): void {
    this.window += 1;
    this.tallies = new Map();
    this.counting = true;
  }

  /** The run ended: whatever settles from now on is cut off, not counted. */
  stop(): void {
    this.counting = false;
  }

  /** Watches one request: its latency runs from now to its settling. */
  track(name: string, outcome: PromiseLike<{ statusCode: number }>): void {
    const window = this.window;
    const startedAt = performance.now();
    const counts = () => this.counting && this.window === window;
    outcome.then(
      (response) => {
        if (!counts()) return;
        const tally = this.tallyOf(name);
        tally.latency.recordMs(performance.now() - startedAt);
        increment(tally.statusCodes, String(response.statusCode));
      },
      (error: unknown) => {
        if (counts()) increment(this.tallyOf(name).errors, errorClassName(error));
      },
    );
  }

  snapshot(): Record<string, NamedTally> {
    return Object.fromEntries(this.tallies);
  }

  private tallyOf(name: string): NamedTally {
    let tally = this.tallies.get(name);
    if (tally === undefined) this.tallies.set(name, (tally = emptyTally()));
    return tally;
  }
}

export function encodeNamed(named: Record<string, NamedTally>): Record<string, EncodedNamedTally> {
  return Object.fromEntries(Object.entries(named).map(([name, t]) => [name, { ...t, latency: t.latency.encode() }]));
}

/** The tallies of several processes, name by name. */
export function mergeNamed(parts: Record<string, EncodedNamedTally>[]): Record<string, NamedTally> {
  const byName = new Map<string, EncodedNamedTally[]>();
  for (const part of parts) for (const [name, tally] of Object.entries(part)) byName.set(name, [...(byName.get(name) ?? []), tally]);
  const merged: Record<string, NamedTally> = {};
  for (const [name, tallies] of byName) {
    const tally = emptyTally();
    tally.latency = LatencyRecorder.merge(tallies.map((t) => LatencyRecorder.decode(t.latency)));
    for (const t of tallies) {
      addCounts(tally.statusCodes, t.statusCodes);
      addCounts(tally.errors, t.errors);
    }
    merged[name] = tally;
  }
  return merged;
}

/** Names in alphabetical order, so two reports read alike. */
export function summarizeNamed(named: Record<string, NamedTally>, durationMs: number): Record<string, NamedRequestSummary> {
  const seconds = durationMs / 1000;
  return Object.fromEntries(
    Object.keys(named)
      .sort()
      .map((name) => {
        const { latency, statusCodes, errors } = named[name]!;
        const responses = sumCounts(statusCodes);
        const requests = responses + sumCounts(errors);
        const requestsPerSecond = seconds > 0 ? Math.round((requests / seconds) * 10) / 10 : 0;
        return [name, { requests, responses, requestsPerSecond, latencyMs: summarizeLatency(latency), statusCodes, errors }];
      }),
  );
}
