/**
 * The CPU work of the cpu-hook scenario, shared by every arm so they all do
 * the same thing: parse a ≈50 KB JSON array and reduce it to a summary the
 * way an analytics client would (per-group percentiles, a top-k, a label
 * index). About a millisecond of CPU per body: enough that where it runs
 * (one core in-process, or the pool's children) decides the throughput.
 */
import type { BigJsonItem } from './servers/json-payloads.js';

export interface GroupStats {
  count: number;
  sum: number;
  p50: number;
  p90: number;
}

export interface ItemSummary {
  count: number;
  total: number;
  weighted: number;
  byGroup: Record<string, GroupStats>;
  top: number[];
  distinctLabelParts: number;
}

type Item = BigJsonItem;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export function reduceItems(items: Item[]): ItemSummary {
  const groups = new Map<string, number[]>();
  const labelParts = new Map<string, number>();
  let total = 0;
  let weighted = 0;
  for (const item of items) {
    total += item.value;
    weighted += item.value * item.weight;
    let values = groups.get(item.group);
    if (!values) groups.set(item.group, (values = []));
    values.push(item.value);
    for (const part of `${item.label}-${item.tags.join('-')}`.split('-')) {
      labelParts.set(part, (labelParts.get(part) ?? 0) + 1);
    }
  }
  const byGroup: Record<string, GroupStats> = {};
  for (const [group, values] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = values.sort((a, b) => a - b);
    byGroup[group] = {
      count: sorted.length,
      sum: sorted.reduce((s, v) => s + v, 0),
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
    };
  }
  const top = [...items]
    .sort((a, b) => b.value * b.weight - a.value * a.weight || a.id - b.id)
    .slice(0, 10)
    .map((item) => item.id);
  return { count: items.length, total, weighted, byGroup, top, distinctLabelParts: labelParts.size };
}

export function parseAndReduce(text: string): ItemSummary {
  return reduceItems(JSON.parse(text) as Item[]);
}
