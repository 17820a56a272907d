/** The result of `rf bench`: one object, printed as text or as JSON (--json). */
import { sumCounts } from './counts.js';
import { summarizeLatency, type LatencySummary } from './histogram.js';
import type { MergedLoad } from './coordinator.js';
import type { WorkerLoad } from './fleet-coordinator.js';
import type { BenchEnvironment } from './environment.js';
import type { LoadClientKind } from './load-spec.js';
import { formatBytes } from '../util/format.js';
import { summarizeNamed, type NamedRequestSummary } from './named-requests.js';
import { round1, summarizePerSecond, type PerSecondSummary } from './per-second.js';

export type { PerSecondSummary };

export interface BenchReport {
  url: string;
  method: string;
  /** 'in-process' (the loop runs in rf itself), 'processes' (N children via ProcessPoolExecutor) or 'distributed' (rf workers, --redis). */
  mode: 'in-process' | 'processes' | 'distributed';
  /** What sent the requests: 'http' (node:http keep-alive agent, the default) or 'session' (FuturesSession per request). */
  client: LoadClientKind;
  /** Distinct processes that generated load (0 in-process; with --redis, the workers' processes, pids of several machines). */
  processes: number;
  /** The processes the load came from (rf's own pid in-process). */
  pids: number[];
  connections: number;
  /** Constant-rate mode's target, requests per second over all processes; null for a closed loop. */
  rate: number | null;
  /** Warm-up before the counted run, milliseconds (0: none). */
  warmupMs: number;
  /** Every request that finished within the run: sum(statusCodes) + sum(errors). */
  requests: number;
  /** Requests answered (any status code). */
  responses: number;
  /** Requests still in flight when the run ended, aborted: neither responses nor errors. */
  cutOff: number;
  /** The measurement window: from the (common) start to the end; process start-up and warm-up excluded. */
  durationMs: number;
  /**
   * True when a signal ended the run before its -d or -n (Ctrl-C, SIGTERM,
   * bench()'s `signal`): the figures cover what ran until then, requests in
   * flight at that moment are in `cutOff`.
   */
  interrupted: boolean;
  /** requests / durationMs. */
  requestsPerSecond: number;
  /** Requests finished in each second of the run: min, mean, max. */
  requestsPerSecondBySecond: PerSecondSummary;
  /** Bytes read (headers included; 0 with --client session, which does not count them), and per second. */
  bytes: number;
  bytesPerSecond: number;
  /** Latency of the answered requests, milliseconds: from each request's due time in rate mode (corrected for coordinated omission). */
  latencyMs: LatencySummary;
  /** Rate mode only: from each request's actual send (what a closed-loop tool reports); null otherwise. */
  uncorrectedLatencyMs: LatencySummary | null;
  statusCodes: Record<string, number>;
  /** Requests without an answer, by error kind (requests' exception names: ConnectionError, ReadTimeout...). */
  errors: Record<string, number>;
  /** HdrHistograms of latencyMs and uncorrectedLatencyMs in microseconds, compressed base64 (HdrHistogram's encoding). */
  histograms: { latencyUs: string; uncorrectedLatencyUs: string | null };
  /**
   * `--script` only (else null): the top-level figures then count iterations
   * (statusCodes { ok: N } for those that returned, errors by the class an
   * iteration threw), and this holds every request the scenario made, by name.
   */
  scenario: { module: string; requests: Record<string, NamedRequestSummary> } | null;
  /**
   * `--redis` only (else null): each rf worker's part, by name, with its own
   * latency and histogram; the top-level figures merge their histograms.
   */
  workers: WorkerSummary[] | null;
  /** --json only: the command line, versions and machine. */
  environment?: BenchEnvironment;
}

export interface WorkerSummary {
  name: string;
  pids: number[];
  requests: number;
  responses: number;
  durationMs: number;
  latencyMs: LatencySummary;
  /** Its latency HdrHistogram in microseconds, compressed base64. */
  latencyUs: string;
}

export interface ReportContext {
  url: string;
  /** A signal ended the run early. */
  interrupted?: boolean;
  method: string;
  connections: number;
  mode: BenchReport['mode'];
  client: LoadClientKind;
  rate?: number;
  warmupMs?: number;
  /** `--script`: the scenario module's URL. */
  scenarioModule?: string;
  /** `--redis`: each worker's own load. */
  workers?: WorkerLoad[];
}

export function buildBenchReport(load: MergedLoad, context: ReportContext): BenchReport {
  const responses = sumCounts(load.statusCodes);
  const requests = responses + sumCounts(load.errors);
  const seconds = load.durationMs / 1000;
  return {
    url: context.url,
    method: context.method,
    mode: context.mode,
    client: context.client,
    processes: context.mode === 'in-process' ? 0 : load.pids.length,
    pids: load.pids,
    connections: context.connections,
    rate: context.rate ?? null,
    warmupMs: context.warmupMs ?? 0,
    requests,
    responses,
    cutOff: load.cutOff,
    durationMs: Math.round(load.durationMs * 1000) / 1000,
    interrupted: context.interrupted ?? false,
    requestsPerSecond: seconds > 0 ? round1(requests / seconds) : 0,
    requestsPerSecondBySecond: summarizePerSecond(load.perSecond, load.durationMs, requests),
    bytes: load.bytes,
    bytesPerSecond: seconds > 0 ? Math.round(load.bytes / seconds) : 0,
    latencyMs: summarizeLatency(load.latency),
    uncorrectedLatencyMs: load.uncorrected ? summarizeLatency(load.uncorrected) : null,
    statusCodes: load.statusCodes,
    errors: load.errors,
    histograms: { latencyUs: load.latency.encode().histogram, uncorrectedLatencyUs: load.uncorrected?.encode().histogram ?? null },
    scenario: context.scenarioModule === undefined ? null : { module: context.scenarioModule, requests: summarizeNamed(load.named ?? {}, load.durationMs) },
    workers: context.workers?.map(summarizeWorker) ?? null,
  };
}

function summarizeWorker({ name, load }: WorkerLoad): WorkerSummary {
  const responses = sumCounts(load.statusCodes);
  return {
    name,
    pids: load.pids,
    requests: responses + sumCounts(load.errors),
    responses,
    durationMs: Math.round(load.durationMs * 1000) / 1000,
    latencyMs: summarizeLatency(load.latency),
    latencyUs: load.latency.encode().histogram,
  };
}

function describeGenerators(report: BenchReport): string {
  if (report.mode === 'processes') return `${report.processes} child processes (ProcessPoolExecutor)`;
  if (report.mode === 'distributed') return `${report.workers?.length ?? 0} rf workers (${report.processes} processes)`;
  return 'in-process';
}

function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([key, count]) => `${key}: ${count}`).join(', ');
}

const CLIENT_NAMES: Record<LoadClientKind, string> = {
  http: 'keep-alive sockets',
  session: 'FuturesSession per request',
};

const formatLatency = (l: LatencySummary) =>
  `p50 ${l.p50}  p75 ${l.p75}  p90 ${l.p90}  p99 ${l.p99}  p99.9 ${l.p999}  p99.99 ${l.p9999}  max ${l.max}  (mean ${l.mean}, stdev ${l.stddev})`;

function formatNamed(name: string, n: NamedRequestSummary): string[] {
  return [
    `  ${name}: ${n.requests} requests = ${n.requestsPerSecond.toFixed(1)} req/s (per second: min ${n.requestsPerSecondBySecond.min}  mean ${n.requestsPerSecondBySecond.mean}  max ${n.requestsPerSecondBySecond.max}), read ${formatBytes(n.bytes)} = ${formatBytes(n.bytesPerSecond)}/s`,
    `    Latency ms: ${formatLatency(n.latencyMs)}`,
    `    Status: ${formatCounts(n.statusCodes)}   Errors: ${formatCounts(n.errors)}`,
  ];
}

export function formatBenchReport(report: BenchReport): string {
  const where = describeGenerators(report);
  const perSecond = report.scenario ? 'iterations/s' : 'req/s';
  const rate = report.rate === null ? 'closed loop' : `constant rate ${report.rate} ${perSecond}`;
  const s = report.requestsPerSecondBySecond;
  const client = report.scenario ? 'FuturesSession' : CLIENT_NAMES[report.client];
  const lines = [
    report.scenario ? `scenario ${report.scenario.module}${report.url === '' ? '' : ` on ${report.url}`}` : `${report.method} ${report.url}`,
    `  ${report.connections} connections, ${rate}, ${client}, ${where}${report.warmupMs > 0 ? `, ${report.warmupMs} ms warm-up` : ''}`,
    `  ${report.scenario ? 'Iterations: ' : 'Requests:   '}${report.requests} in ${(report.durationMs / 1000).toFixed(2)} s = ${report.requestsPerSecond.toFixed(1)} ${perSecond} (per second: min ${s.min}  mean ${s.mean}  max ${s.max}), ${report.cutOff} cut off at the end`,
  ];
  if (report.interrupted) lines.push(`  Interrupted after ${(report.durationMs / 1000).toFixed(2)} s: the figures cover what ran until then.`);
  if (!report.scenario) lines.push(`  Read:       ${formatBytes(report.bytes)} = ${formatBytes(report.bytesPerSecond)}/s`);
  lines.push(`  Latency ms: ${formatLatency(report.latencyMs)}${report.uncorrectedLatencyMs ? ' (from each due time)' : ''}`);
  if (report.uncorrectedLatencyMs) lines.push(`  Uncorrected: ${formatLatency(report.uncorrectedLatencyMs)} (from each send)`);
  lines.push(`  Status:     ${formatCounts(report.statusCodes)}`, `  Errors:     ${formatCounts(report.errors)}`);
  for (const worker of report.workers ?? []) {
    lines.push(`  Worker ${worker.name}: ${worker.requests} ${report.scenario ? 'iterations' : 'requests'}, latency ms p50 ${worker.latencyMs.p50}  p99 ${worker.latencyMs.p99}  max ${worker.latencyMs.max}`);
  }
  if (report.scenario) {
    lines.push('Requests by name:');
    for (const [name, named] of Object.entries(report.scenario.requests)) lines.push(...formatNamed(name, named));
  }
  return lines.join('\n');
}
