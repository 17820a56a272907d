/** The result of `rf bench`: one object, printed as text or as JSON (--json). */
import { summarizeLatency, type LatencySummary } from './histogram.js';
import type { MergedLoad } from './coordinator.js';
import type { LoadClientKind } from './load-spec.js';

export interface BenchReport {
  url: string;
  method: string;
  /** 'in-process' (the loop runs in rf itself) or 'processes' (N children via ProcessPoolExecutor). */
  mode: 'in-process' | 'processes';
  /** What sent the requests: 'http' (node:http keep-alive agent, the default) or 'session' (FuturesSession per request). */
  client: LoadClientKind;
  /** Distinct child processes that generated load (0 in-process). */
  processes: number;
  /** The processes the load came from (rf's own pid in-process). */
  pids: number[];
  connections: number;
  /** Every request that finished: sum(statusCodes) + sum(errors). */
  requests: number;
  /** Requests answered (any status code). */
  responses: number;
  /** The measurement window: from the (common) start to the last answer; process start-up excluded. */
  durationMs: number;
  /** requests / durationMs. */
  requestsPerSecond: number;
  /** Latency of the answered requests, milliseconds. */
  latencyMs: LatencySummary;
  statusCodes: Record<string, number>;
  /** Requests without an answer, by error kind (requests' exception names: ConnectionError, ReadTimeout...). */
  errors: Record<string, number>;
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

export function buildBenchReport(
  load: MergedLoad,
  context: { url: string; method: string; connections: number; mode: BenchReport['mode']; client: LoadClientKind },
): BenchReport {
  const responses = sum(load.statusCodes);
  const requests = responses + sum(load.errors);
  return {
    ...context,
    processes: context.mode === 'processes' ? load.pids.length : 0,
    pids: load.pids,
    requests,
    responses,
    durationMs: Math.round(load.durationMs * 1000) / 1000,
    requestsPerSecond: load.durationMs > 0 ? Math.round((requests / (load.durationMs / 1000)) * 10) / 10 : 0,
    latencyMs: summarizeLatency(load.histogram),
    statusCodes: load.statusCodes,
    errors: load.errors,
  };
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([key, count]) => `${key}: ${count}`).join(', ');
}

const CLIENT_NAMES: Record<LoadClientKind, string> = {
  http: 'node:http keep-alive agent',
  session: 'FuturesSession per request',
};

export function formatBenchReport(report: BenchReport): string {
  const where = report.mode === 'processes' ? `${report.processes} child processes (ProcessPoolExecutor)` : 'in-process';
  const l = report.latencyMs;
  return [
    `${report.method} ${report.url}`,
    `  ${report.connections} connections, ${CLIENT_NAMES[report.client]}, ${where}`,
    `  Requests:   ${report.requests} in ${(report.durationMs / 1000).toFixed(2)} s = ${report.requestsPerSecond.toFixed(1)} req/s`,
    `  Latency ms: p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  p99.9 ${l.p999}  max ${l.max}  (mean ${l.mean})`,
    `  Status:     ${formatCounts(report.statusCodes)}`,
    `  Errors:     ${formatCounts(report.errors)}`,
  ].join('\n');
}
