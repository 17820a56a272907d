/**
 * Latency histograms (HdrHistogram): exact enough percentiles at any request
 * count in constant memory, and mergeable, so each load process records its
 * own and the coordinator adds them up. Values are recorded in microseconds.
 *
 * HdrHistogram answers a percentile with the highest value of its bucket, up
 * to 0.1% above anything recorded: the p99.9 of a run could read above its
 * max. A LatencyRecorder therefore keeps the exact count, sum, sum of squares,
 * min and max beside the histogram, and its summary clamps every percentile
 * into [min, max] (and takes mean and stdev from the exact moments).
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

export type { Histogram };

export function createLatencyHistogram(): Histogram {
  // 3 significant digits: 0.1% resolution; autoResize: no ceiling to guess up front.
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 2, autoResize: true, numberOfSignificantValueDigits: 3 });
}

/** A histogram as a compact string, the form that crosses processes and goes into --json. */
export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): Histogram {
  return decodeFromCompressedBase64(encoded, 32);
}

/** The exact side of a recorder, plain data. */
export interface LatencyMoments {
  count: number;
  sumUs: number;
  sumSquaresUs: number;
  minUs: number;
  maxUs: number;
}

/** A recorder as plain data (crosses processes). */
export interface EncodedLatency extends LatencyMoments {
  histogram: string;
}

export class LatencyRecorder {
  readonly histogram: Histogram;
  count = 0;
  sumUs = 0;
  sumSquaresUs = 0;
  minUs = Infinity;
  maxUs = 0;

  constructor(histogram: Histogram = createLatencyHistogram()) {
    this.histogram = histogram;
  }

  /** One latency in milliseconds (as performance.now() measures). */
  recordMs(ms: number): void {
    const us = Math.max(1, Math.round(ms * 1000));
    this.histogram.recordValue(us);
    this.count += 1;
    this.sumUs += us;
    this.sumSquaresUs += us * us;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
  }

  encode(): EncodedLatency {
    return { histogram: encodeHistogram(this.histogram), count: this.count, sumUs: this.sumUs, sumSquaresUs: this.sumSquaresUs, minUs: this.minUs, maxUs: this.maxUs };
  }

  static decode(encoded: EncodedLatency): LatencyRecorder {
    const recorder = new LatencyRecorder(decodeHistogram(encoded.histogram));
    recorder.absorbMoments(encoded);
    return recorder;
  }

  static merge(parts: LatencyRecorder[]): LatencyRecorder {
    const merged = new LatencyRecorder();
    for (const part of parts) {
      merged.histogram.add(part.histogram);
      merged.absorbMoments(part);
    }
    return merged;
  }

  private absorbMoments(other: LatencyMoments): void {
    this.count += other.count;
    this.sumUs += other.sumUs;
    this.sumSquaresUs += other.sumSquaresUs;
    // JSON turns Infinity into null: an empty part carries no minimum.
    if (other.count > 0) {
      this.minUs = Math.min(this.minUs, other.minUs);
      this.maxUs = Math.max(this.maxUs, other.maxUs);
    }
  }
}

export interface LatencySummary {
  min: number;
  mean: number;
  stddev: number;
  p50: number;
  p75: number;
  p90: number;
  p99: number;
  p999: number;
  p9999: number;
  max: number;
}

export const PERCENTILES: ReadonlyArray<[keyof LatencySummary, number]> = [
  ['p50', 50],
  ['p75', 75],
  ['p90', 90],
  ['p99', 99],
  ['p999', 99.9],
  ['p9999', 99.99],
];

const usToMs = (us: number) => Math.round(us) / 1000;

/** Milliseconds, to the microsecond; all zero for an empty recorder. Every percentile lies in [min, max]. */
export function summarizeLatency(recorder: LatencyRecorder): LatencySummary {
  const summary: LatencySummary = { min: 0, mean: 0, stddev: 0, p50: 0, p75: 0, p90: 0, p99: 0, p999: 0, p9999: 0, max: 0 };
  if (recorder.count === 0) return summary;
  const { count, sumUs, sumSquaresUs, minUs, maxUs } = recorder;
  const mean = sumUs / count;
  summary.min = usToMs(minUs);
  summary.max = usToMs(maxUs);
  summary.mean = usToMs(mean);
  summary.stddev = usToMs(Math.sqrt(Math.max(0, sumSquaresUs / count - mean * mean)));
  for (const [key, percentile] of PERCENTILES) {
    const bucketValue = recorder.histogram.getValueAtPercentile(percentile);
    summary[key] = usToMs(Math.min(maxUs, Math.max(minUs, bucketValue)));
  }
  return summary;
}

/** The p99 a progress line shows, ms: within [min, max] like the report's (0 before any answer). */
export function progressP99Ms(recorder: LatencyRecorder): number {
  if (recorder.count === 0) return 0;
  return usToMs(Math.min(recorder.maxUs, Math.max(recorder.minUs, recorder.histogram.getValueAtPercentile(99))));
}
