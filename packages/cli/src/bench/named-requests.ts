/**
 * Statistics per named request of a scenario (`--script`): each request an
 * iteration makes is counted under its name, with its own latency histogram,
 * status codes, errors, requests finished in each second and body bytes. A
 * request counts only when it started and settled inside the counted run:
 * warm-up stragglers and requests aborted at the end belong to neither.
 */
import { performance } from 'node:perf_hooks';
import { errorClassName } from '../util/format.js';
import { addCounts, increment, sumCounts } from './counts.js';
import { LatencyRecorder, summarizeLatency, type EncodedLatency, type LatencySummary } from './histogram.js';
import { addPerSecond, countInSecond, densePerSecond, round1, summarizePerSecond, type PerSecondSummary } from './per-second.js';

/** What a scenario's request settles with, as far as counting goes (a core Response). */
export interface NamedOutcome {
  statusCode: number;
  /** The body as received (empty for a saveTo or a streamed answer). */
  content?: { byteLength: number };
  /** saveTo: the bytes written to the file. */
  bytes?: number;
}

export interface NamedTally {
  latency: LatencyRecorder;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
  /** Requests of this name finished (answered or failed) in each second of the counted run. */
  perSecond: number[];
  /** Body bytes of the answers. */
  bytes: number;
}

/** A NamedTally as plain data (crosses processes). */
export interface EncodedNamedTally extends Omit<NamedTally, 'latency'> {
  latency: EncodedLatency;
}

/** One name's figures in the report. */
export interface NamedRequestSummary {
  /** Answers + errors. */
  requests: number;
  responses: number;
  requestsPerSecond: number;
  /** This name's requests finished in each complete second of the run: min, mean, max, stdev. */
  requestsPerSecondBySecond: PerSecondSummary;
  /** Body bytes of its answers (response.content; a saveTo answer's bytes written), headers not included. */
  bytes: number;
  bytesPerSecond: number;
  latencyMs: LatencySummary;
  statusCodes: Record<string, number>;
  errors: Record<string, number>;
}

const emptyTally = (): NamedTally => ({ latency: new LatencyRecorder(), statusCodes: {}, errors: {}, perSecond: [], bytes: 0 });

export class NamedRequestLog {
  private tallies = new Map<string, NamedTally>();
  /** Bumped by start(): a request started in an earlier window is not counted in this one. */
  private window = 0;
  private counting = false;
  /** performance.now() when counting started: second 0 of the per-second counts. */
  private startedAt = 0;
  /** performance.now() of the end of -d: what settles later is cut off, as the loop counts it, even before stop() runs. */
  private deadline = Infinity;

  /** Counting starts afresh (after the warm-up), at the start of the run's clock, for `durationMs` at most. */
  start(durationMs?: number): void {
    this.window += 1;
    this.tallies = new Map();
    this.counting = true;
    this.startedAt = performance.now();
    this.deadline = durationMs === undefined ? Infinity : this.startedAt + durationMs;
  }

  /** The run ended: whatever settles from now on is cut off, not counted. */
  stop(): void {
    this.counting = false;
  }

  /** Watches one request: its latency runs from now to its settling. */
  track(name: string, outcome: PromiseLike<NamedOutcome>): void {
    const window = this.window;
    const startedAt = performance.now();
    // A late end-of-run timer (a busy machine) must not let requests settled after -d in.
    const counts = () => this.counting && this.window === window && performance.now() < this.deadline;
    const settled = () => {
      const now = performance.now();
      const tally = this.tallyOf(name);
      countInSecond(tally.perSecond, now - this.startedAt);
      return { tally, now };
    };
    outcome.then(
      (response) => {
        if (!counts()) return;
        const { tally, now } = settled();
        tally.latency.recordMs(now - startedAt);
        tally.bytes += response.bytes ?? response.content?.byteLength ?? 0;
        increment(tally.statusCodes, String(response.statusCode));
      },
      (error: unknown) => {
        if (counts()) increment(settled().tally.errors, errorClassName(error));
      },
    );
  }

  snapshot(): Record<string, NamedTally> {
    return Object.fromEntries([...this.tallies].map(([name, tally]) => [name, { ...tally, perSecond: densePerSecond(tally.perSecond) }]));
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
      addPerSecond(tally.perSecond, t.perSecond);
      tally.bytes += t.bytes;
    }
    merged[name] = { ...tally, perSecond: densePerSecond(tally.perSecond) };
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
        const { latency, statusCodes, errors, perSecond, bytes } = named[name]!;
        const responses = sumCounts(statusCodes);
        const requests = responses + sumCounts(errors);
        const summary: NamedRequestSummary = {
          requests,
          responses,
          requestsPerSecond: seconds > 0 ? round1(requests / seconds) : 0,
          requestsPerSecondBySecond: summarizePerSecond(perSecond, durationMs, requests),
          bytes,
          bytesPerSecond: seconds > 0 ? Math.round(bytes / seconds) : 0,
          latencyMs: summarizeLatency(latency),
          statusCodes,
          errors,
        };
        return [name, summary];
      }),
  );
}
