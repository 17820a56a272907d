/**
 * The table both the terminal and the markdown file show: one row per arm,
 * every figure as median [min–max] over the repetitions.
 */
import { BASELINES } from '../baselines.js';
import { HIGHER_IS_BETTER, METRIC_LABEL, SIDE_METRICS } from '../metrics.js';
import type { Metric } from '../arm.js';
import { formatRatio, formatSummary, metricFigureFormat } from './format.js';
import type { ScenarioResult } from './results.js';

export interface Table {
  header: string[];
  rows: string[][];
  /** Rows whose arm did not run: name and reason. */
  notes: string[];
}

export function scenarioTable(result: ScenarioResult): Table {
  const primary = result.primary;
  const presentBaselines = BASELINES.filter((b) => result.arms.some((a) => a.name === b.arm && a.status !== 'skipped'));
  const sides = SIDE_METRICS.filter((metric) => metric !== primary && result.arms.some((a) => a.figures[metric]));
  const header = [
    'arm',
    'config',
    `${METRIC_LABEL[primary]} (median [min–max])`,
    ...presentBaselines.map((b) => b.label),
    ...sides.map((metric) => METRIC_LABEL[metric]),
  ];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const arm of result.arms) {
    if (arm.status === 'skipped') {
      notes.push(`${arm.name}: skipped: ${arm.reason ?? ''}`);
      continue;
    }
    if (arm.status === 'failed') notes.push(`${arm.name}: FAILED: ${arm.reason ?? ''}`);
    rows.push([
      arm.status === 'failed' ? `${arm.name} (failed)` : arm.name,
      arm.detail ?? '',
      formatSummary(arm.figures[primary], metricFigureFormat(primary)),
      ...presentBaselines.map((b) => formatRatio(arm.ratios[b.key])),
      ...sides.map((metric) => formatSummary(arm.figures[metric], metricFigureFormat(metric))),
    ]);
  }
  return { header, rows, notes };
}

export function ratioMeaning(primary: Metric): string {
  return HIGHER_IS_BETTER[primary]
    ? 'ratio > 1: faster than that baseline (ratios are paired per repetition: median [min–max])'
    : 'ratio < 1: less memory than that baseline (ratios are paired per repetition: median [min–max])';
}
