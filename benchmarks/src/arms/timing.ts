import { performance } from 'node:perf_hooks';
import type { ArmResult } from '../arm.js';
import { sampleOwnPeakRss } from '../proc/peak-rss.js';

/**
 * Times an in-process workload and samples this process's RSS while it runs
 * (every 50 ms): for in-process arms the coordinator is this process.
 */
export async function measureInProcess(
  work: () => Promise<{ requests?: number; bytes?: number }>,
): Promise<ArmResult> {
  const rss = sampleOwnPeakRss();
  const started = performance.now();
  try {
    const counts = await work();
    const seconds = (performance.now() - started) / 1000;
    return { ...counts, seconds, peakRssMb: rss.stop() };
  } finally {
    rss.stop();
  }
}
