/**
 * `rf bench --compare a.json b.json`: what changed between two --json runs,
 * and whether it is more than noise, as autocannon-compare says it: Welch's
 * t-test on the per-second request rates and on the latencies (their mean,
 * variance and count are in each report), with * p < 0.05, ** p < 0.01,
 * *** p < 0.001.
 */
import { readFile } from 'node:fs/promises';
import ttest from 'ttest';
import { UsageError } from '../errors.js';
import type { BenchReport } from './report.js';

export interface ComparedMetric {
  name: string;
  a: number;
  b: number;
  /** (b − a) / a, percent; null when a is 0. */
  changePercent: number | null;
  /** Welch's two-sided p-value; null where the samples do not allow a test (fewer than 2 each, or no variance). */
  pValue: number | null;
}

interface Sample {
  mean: number;
  stdev: number;
  size: number;
}

function welchPValue(a: Sample, b: Sample): number | null {
  if (a.size < 2 || b.size < 2 || (a.stdev === 0 && b.stdev === 0)) return null;
  const summary = (s: Sample) => ({ mean: s.mean, variance: s.stdev ** 2, size: s.size });
  const p = ttest(summary(a), summary(b), { varEqual: false }).pValue();
  return Number.isFinite(p) ? p : null;
}

function metric(name: string, a: Sample, b: Sample, test = true): ComparedMetric {
  return {
    name,
    a: a.mean,
    b: b.mean,
    changePercent: a.mean === 0 ? null : Math.round(((b.mean - a.mean) / a.mean) * 1000) / 10,
    pValue: test ? welchPValue(a, b) : null,
  };
}

const point = (value: number): Sample => ({ mean: value, stdev: 0, size: 1 });

export function compareReports(a: BenchReport, b: BenchReport): ComparedMetric[] {
  const perSecond = (r: BenchReport): Sample => ({ mean: r.requestsPerSecondBySecond.mean, stdev: r.requestsPerSecondBySecond.stdev, size: r.requestsPerSecondBySecond.samples });
  const latency = (r: BenchReport): Sample => ({ mean: r.latencyMs.mean, stdev: r.latencyMs.stddev, size: r.responses });
  return [
    metric('requests/s (per second)', perSecond(a), perSecond(b)),
    metric('latency mean ms', latency(a), latency(b)),
    metric('latency p50 ms', point(a.latencyMs.p50), point(b.latencyMs.p50), false),
    metric('latency p99 ms', point(a.latencyMs.p99), point(b.latencyMs.p99), false),
    metric('latency max ms', point(a.latencyMs.max), point(b.latencyMs.max), false),
    metric('bytes/s', point(a.bytesPerSecond), point(b.bytesPerSecond), false),
    metric('errors', point(a.requests - a.responses), point(b.requests - b.responses), false),
  ];
}

function stars(p: number | null): string {
  if (p === null) return '';
  if (p < 0.001) return '***';
  if (p < 0.01) return '**';
  if (p < 0.05) return '*';
  return '';
}

export function formatComparison(metrics: ComparedMetric[], names: [string, string]): string {
  const rows = metrics.map((m) => [
    m.name,
    String(m.a),
    String(m.b),
    m.changePercent === null ? '' : `${m.changePercent > 0 ? '+' : ''}${m.changePercent}%`,
    m.pValue === null ? '' : `p=${m.pValue < 0.0001 ? m.pValue.toExponential(1) : m.pValue.toFixed(4)} ${stars(m.pValue)}`.trimEnd(),
  ]);
  const header = ['', `a: ${names[0]}`, `b: ${names[1]}`, 'b vs a', 'Welch t-test'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const significant = metrics.some((m) => m.pValue !== null && m.pValue < 0.05);
  return [
    line(header),
    ...rows.map(line),
    significant ? 'Marked (*) differences are significant (* p < 0.05, ** p < 0.01, *** p < 0.001).' : 'No tested difference is significant at p < 0.05.',
  ].join('\n');
}

/** Reads a --json report, or says which file is not one. */
export async function readBenchReport(file: string): Promise<BenchReport> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--compare: cannot read ${JSON.stringify(file)}: ${(error as Error).message}`);
  }
  let report: Partial<BenchReport>;
  try {
    report = JSON.parse(text) as Partial<BenchReport>;
  } catch {
    throw new UsageError(`--compare: ${JSON.stringify(file)} is not JSON (write it with rf bench --json)`);
  }
  if (typeof report !== 'object' || report === null || typeof report.latencyMs?.mean !== 'number' || typeof report.requestsPerSecondBySecond?.stdev !== 'number') {
    throw new UsageError(`--compare: ${JSON.stringify(file)} is not an rf bench --json report of this version`);
  }
  return report as BenchReport;
}
