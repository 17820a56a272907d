import { performance } from 'node:perf_hooks';
import type { ArmResult } from '../arm.js';
import { sampleOwnPeakRss } from '../proc/peak-rss.js';

/**
 * Times an in-process workload and samples this process's RSS while it runs
 * (every 50 ms): for in-process arms the coordinator is this process. With
 * `cpu`, also this process's CPU time (its children's is not counted).
 */
export async function measureInProcess(
  work: () => Promise<{ requests?: number; bytes?: number }>,
  { cpu = false }: { cpu?: boolean } = {},
): Promise<ArmResult> {
  const rss = sampleOwnPeakRss();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  try {
    const counts = await work();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpuBefore);
    return { ...counts, seconds, peakRssMb: rss.stop(), ...(cpu ? { cpuUs: used.user + used.system } : {}) };
  } finally {
    rss.stop();
  }
}
