/** Number formatting shared by the stdout table and the markdown table. */
import type { Metric } from '../arm.js';
import type { Summary } from '../stats.js';

/** `1 repetition`, `3 repetitions`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value).toLocaleString('en-US');
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatSummary(summary: Summary | undefined, format = formatNumber): string {
  if (!summary) return '–';
  if (summary.n === 1) return format(summary.median);
  return `${format(summary.median)} [${format(summary.min)}–${format(summary.max)}]`;
}

export function formatRatio(summary: Summary | undefined): string {
  return formatSummary(summary, (v) => `${v.toFixed(2)}`);
}

export function metricFigureFormat(metric: Metric): (v: number) => string {
  return metric === 'reqPerSec' || metric === 'mbPerSec' ? formatNumber : (v) => Math.round(v).toLocaleString('en-US');
}
