/**
 * Latency histograms (HdrHistogram): exact enough percentiles at any request
 * count in constant memory, and mergeable, so each load process records its
 * own and the coordinator adds them up. Values are recorded in microseconds.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

export type { Histogram };

export function createLatencyHistogram(): Histogram {
  // 3 significant digits: 0.1% resolution; autoResize: no ceiling to guess up front.
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 2, autoResize: true, numberOfSignificantValueDigits: 3 });
}

/** Records one latency given in milliseconds (as performance.now() measures). */
export function recordLatencyMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
}

/** A compact string that crosses the process boundary as a plain value. */
export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return decodeFromCompressedBase64(encoded, 32);
}

export function mergeHistograms(parts: Histogram[]): Histogram {
  const merged = createLatencyHistogram();
  for (const part of parts) merged.add(part);
  return merged;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  min: number;
  mean: number;
  stddev: number;
}

const usToMs = (us: number) => Math.round(us) / 1000;

/** Percentiles in milliseconds; all zero for an empty histogram. */
export function summarizeLatency(histogram: Histogram): LatencySummary {
  if (histogram.totalCount === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, min: 0, mean: 0, stddev: 0 };
  return {
    p50: usToMs(histogram.getValueAtPercentile(50)),
    p90: usToMs(histogram.getValueAtPercentile(90)),
    p99: usToMs(histogram.getValueAtPercentile(99)),
    p999: usToMs(histogram.getValueAtPercentile(99.9)),
    max: usToMs(histogram.maxValue),
    min: usToMs(histogram.minNonZeroValue),
    mean: usToMs(histogram.mean),
    stddev: usToMs(histogram.stdDeviation),
  };
}
