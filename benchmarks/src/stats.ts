/** Summaries over repetitions: the median is the figure, min–max its spread. */

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

export class EmptySampleError extends Error {
  constructor(what: string) {
    super(`cannot summarise ${what}: no values`);
    this.name = 'EmptySampleError';
  }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new EmptySampleError('median');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new EmptySampleError('summary');
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/**
 * Ratios paired by repetition: repetition i of an arm ran right next to
 * repetition i of its baseline, so their ratio cancels most of the machine's
 * drift; the median of those ratios is steadier than a ratio of medians.
 */
export function pairedRatios(values: readonly (number | undefined)[], baseline: readonly (number | undefined)[]): Summary | undefined {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(values.length, baseline.length); i++) {
    const v = values[i];
    const b = baseline[i];
    if (v !== undefined && b !== undefined && b > 0 && Number.isFinite(v)) ratios.push(v / b);
  }
  return ratios.length > 0 ? summarize(ratios) : undefined;
}
