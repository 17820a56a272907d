/**
 * Counts per second of a run ("requests finished in second i"), kept by every
 * load generator and by every named request of a scenario, added up across
 * processes (which share one start) and summarized as min/mean/max/stdev.
 */

export interface PerSecondSummary {
  min: number;
  mean: number;
  max: number;
  /** Sample standard deviation over the seconds (0 with one sample). */
  stdev: number;
  /** How many seconds these come from (the complete seconds of the run; the whole run if shorter than one). */
  samples: number;
}

/** One more in the second `elapsedMs` falls in. */
export function countInSecond(perSecond: number[], elapsedMs: number): void {
  const second = Math.max(0, Math.floor(elapsedMs / 1000));
  perSecond[second] = (perSecond[second] ?? 0) + 1;
}

/** Second by second, `from` added into `into`. */
export function addPerSecond(into: number[], from: readonly number[]): void {
  from.forEach((count, second) => (into[second] = (into[second] ?? 0) + (count ?? 0)));
}

/** Holes (seconds nothing finished in) as zeros, `seconds` long at least. */
export function densePerSecond(perSecond: readonly number[], seconds = 0): number[] {
  return Array.from({ length: Math.max(seconds, perSecond.length) }, (_, i) => perSecond[i] ?? 0);
}

/** Figures per second are shown to a tenth. */
export const round1 = (value: number) => Math.round(value * 10) / 10;

/** Complete seconds only, so the last partial second does not read as a drop; a run under a second is one sample. */
export function summarizePerSecond(perSecond: number[], durationMs: number, requests: number): PerSecondSummary {
  const complete = densePerSecond(perSecond, Math.floor(durationMs / 1000)).slice(0, Math.floor(durationMs / 1000));
  const samples = complete.length > 0 ? complete : [durationMs > 0 ? (requests * 1000) / durationMs : 0];
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const variance = samples.length < 2 ? 0 : samples.reduce((total, x) => total + (x - mean) ** 2, 0) / (samples.length - 1);
  return {
    min: round1(Math.min(...samples)),
    mean: round1(mean),
    max: round1(Math.max(...samples)),
    stdev: round1(Math.sqrt(variance)),
    samples: samples.length,
  };
}
